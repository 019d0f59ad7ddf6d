// File-system failures: an unusable --out is bad usage; a disk that fills up
// mid-run fails the run with the cause named, and leaves no report file that
// looks complete but is cut short.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

TEST(Disk, AnOutFolderThatCannotBeMadeIsBadUsage) {
  TempDir dir;
  const Finished finished =
      run_tearline({"run", "small", "--out", "/proc/tearline-run", "--quiet"}, dir.path());
  EXPECT_EQ(finished.exit_code, 2) << finished.err;
  EXPECT_NE(finished.err.find("cannot use /proc/tearline-run as the run directory"),
            std::string::npos)
      << finished.err;
}

// A small tmpfs mounted on a folder for the test's lifetime.
class SmallDisk {
 public:
  SmallDisk(const fs::path& path, const char* size) : path_(path) {
    fs::create_directories(path_);
    mounted_ = mount("tmpfs", path_.c_str(), "tmpfs", 0, size) == 0;
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path path_;
  bool mounted_ = false;
};

TEST(Disk, AFullDiskFailsTheRunNamingTheCauseAndLeavesNoCutReport) {
  TempDir dir;
  const SmallDisk disk(dir.path() / "disk", "size=400k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  const fs::path run = dir.path() / "disk" / "run";
  const Finished finished =
      run_tearline({"run", "small", "--scale", "0", "--out", run.string(), "--quiet"}, dir.path());
  EXPECT_EQ(finished.exit_code, 1) << finished.err;
  EXPECT_NE(finished.err.find("No space left on device"), std::string::npos) << finished.err;
  EXPECT_NE(finished.err.find("could not write its trace"), std::string::npos) << finished.err;
  // Written whole or not at all.
  EXPECT_FALSE(fs::exists(run / "report.json.partial"));
  EXPECT_FALSE(fs::exists(run / "report.txt.partial"));
  if (fs::exists(run / "report.json")) {
    EXPECT_NO_THROW(read_json(run / "report.json"));
  }
}

}  // namespace
}  // namespace tearline::testing
