// File-system failures: an unusable --out is bad usage; a disk that fills up
// or a run folder made unwritable mid-run fails the run with the cause named
// (exit 1, never a signal), and leaves no report or export file that looks
// complete but is cut short.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cstdlib>
#include <fstream>

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

// Files made immutable (chattr +i) for the test's lifetime: not even root
// may write them, add to a folder, or remove them.
class Immutable {
 public:
  explicit Immutable(const fs::path& path) : path_(path) {
    // The top first: nothing comes or goes under it while -R walks it.
    made_ = std::system(("chattr +i '" + path_.string() + "' 2>/dev/null").c_str()) == 0;
    if (made_) std::system(("chattr -R +i '" + path_.string() + "' 2>/dev/null").c_str());
  }
  ~Immutable() { std::system(("chattr -R -i '" + path_.string() + "' 2>/dev/null").c_str()); }
  bool made() const { return made_; }

 private:
  fs::path path_;
  bool made_ = false;
};

TEST(Disk, ARunFolderMadeUnwritableMidRunFailsTheRunNamingTheCause) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  Child child({"run", "small", "--out", run.string(), "--quiet"}, dir.path());
  ASSERT_TRUE(await_live(run / "bilateral"));
  const Immutable immutable(run);
  if (!immutable.made()) GTEST_SKIP() << "chattr +i does not work here";
  const std::optional<Finished> finished = child.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->exit_code, 1) << "not an exit (a signal?)\n" << finished->err;
  EXPECT_NE(finished->err.find("Operation not permitted"), std::string::npos) << finished->err;
  EXPECT_NE(finished->err.find("cannot write " + (run / "report.json").string()), std::string::npos)
      << finished->err;
  EXPECT_FALSE(fs::exists(run / "report.json"));
  EXPECT_FALSE(fs::exists(run / "report.json.partial"));
  // The folder still reads: its unfinished run exports elsewhere.
  const Finished html =
      run_tearline({"trace", run.string(), "--html", (dir.path() / "x.html").string()}, dir.path());
  EXPECT_EQ(html.exit_code, 0) << html.err;
}

TEST(Disk, ASweepFolderMadeUnwritableMidSweepFailsTheSweepNamingTheCause) {
  TempDir dir;
  const fs::path sweep = dir.path() / "sweep";
  Child child(
      {"sweep", "small", "--seeds", "1-20", "--jobs", "1", "--out", sweep.string(), "--quiet"},
      dir.path());
  ASSERT_TRUE(eventually([&] { return fs::exists(sweep / "runs/p0-seed1/bilateral"); },
                         std::chrono::seconds(30)));
  const Immutable immutable(sweep);
  if (!immutable.made()) GTEST_SKIP() << "chattr +i does not work here";
  const std::optional<Finished> finished = child.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->exit_code, 1) << finished->err;
  EXPECT_NE(finished->err.find("Operation not permitted"), std::string::npos) << finished->err;
  EXPECT_FALSE(fs::exists(sweep / "sweep.csv"));
}

// A copy of the recorded run, in `dir`.
fs::path recorded_run(const fs::path& dir) {
  const fs::path run = dir / "recorded-run";
  fs::copy(fs::path(source_dir()) / "tests/data/recorded-run", run, fs::copy_options::recursive);
  return run;
}

TEST(Disk, AnExportIntoAnUnwritableFolderIsExit1NamingTheCauseAndLeavesNoFile) {
  TempDir dir;
  const fs::path run = recorded_run(dir.path());
  const Immutable immutable(run);
  if (!immutable.made()) GTEST_SKIP() << "chattr +i does not work here";
  for (const std::string option :
       {"--html", "--perfetto", "--perfetto-proto", "--otlp", "--mermaid"}) {
    const fs::path out = run / ("export" + option);
    const Finished finished =
        run_tearline({"trace", run.string(), option, out.string()}, dir.path());
    EXPECT_EQ(finished.exit_code, 1) << option << "\n" << finished.err;
    EXPECT_NE(finished.err.find("cannot write " + out.string() + ": Operation not permitted"),
              std::string::npos)
        << option << "\n"
        << finished.err;
    EXPECT_FALSE(fs::exists(out)) << option;
    EXPECT_FALSE(fs::exists(out.string() + ".partial")) << option;
  }
}

TEST(Disk, AnExportOverAnUnwritableFileIsExit1AndLeavesItAsItWas) {
  TempDir dir;
  const fs::path run = recorded_run(dir.path());
  const fs::path out = dir.path() / "report.html";
  std::ofstream(out) << "an earlier page\n";
  const Immutable immutable(out);
  if (!immutable.made()) GTEST_SKIP() << "chattr +i does not work here";
  const Finished finished =
      run_tearline({"trace", run.string(), "--html", out.string()}, dir.path());
  EXPECT_EQ(finished.exit_code, 1) << finished.err;
  EXPECT_NE(finished.err.find("cannot write " + out.string()), std::string::npos) << finished.err;
  EXPECT_EQ(slurp(out), "an earlier page\n");
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
}

}  // namespace
}  // namespace tearline::testing
