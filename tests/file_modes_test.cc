// Who can read a run's files: by default only its owner (traces hold true
// source handles); with --group-readable the group may read, others nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

// Every file and folder under `root` and `root` itself whose mode grants
// any of `forbidden` (octal bits), as "path 0MODE".
std::vector<std::string> granting(const fs::path& root, mode_t forbidden) {
  std::vector<std::string> found;
  const auto check = [&](const fs::path& path) {
    struct stat status {};
    if (lstat(path.c_str(), &status) != 0 || S_ISLNK(status.st_mode)) return;
    if ((status.st_mode & forbidden) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "0%o", static_cast<unsigned>(status.st_mode & 07777));
      found.push_back(path.string() + " " + mode);
    }
  };
  check(root);
  for (const auto& entry : fs::recursive_directory_iterator(root)) check(entry.path());
  return found;
}

size_t count_entries(const fs::path& root) {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::recursive_directory_iterator(root)) ++count;
  return count;
}

TEST(FileModes, ARunFolderGrantsNothingToGroupOrOthers) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  const Finished finished =
      run_tearline({"run", "small", "--scale", "0", "--out", run.string(), "--quiet"}, dir.path());
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  // An export into the run folder holds what the traces do.
  const Finished exported =
      run_tearline({"trace", run.string(), "--html", (run / "again.html").string(), "--perfetto",
                    (run / "trace.json").string()},
                   dir.path());
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  ASSERT_GT(count_entries(run), 20u);  // Traces, logs, journals, reports, keys...
  EXPECT_EQ(granting(run, 077), std::vector<std::string>{});
}

TEST(FileModes, GroupReadableGrantsTheGroupReadingAndOthersNothing) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  const Finished finished = run_tearline({"run", "small", "--scale", "0", "--in-process", "--out",
                                          run.string(), "--quiet", "--group-readable"},
                                         dir.path());
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(granting(run, 027), std::vector<std::string>{});
  struct stat status {};
  ASSERT_EQ(stat(run.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0750u);
  ASSERT_EQ(stat((run / "report.json").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0640u);
}

TEST(FileModes, AFolderMadeBeforeTheRunIsMadePrivate) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  fs::create_directory(run);
  fs::permissions(run, fs::perms::all);  // 0777, as a careless mkdir might leave it.
  const Finished finished = run_tearline(
      {"run", "small", "--scale", "0", "--in-process", "--out", run.string(), "--quiet"},
      dir.path());
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(granting(run, 077), std::vector<std::string>{});
}

// `tearline fault`, run by a user whose umask lets others read, adds to
// the run's faults.trace.jsonl with the run's modes.
TEST(FileModes, AFaultCommandAddsNothingOthersCanRead) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  Child launcher(
      {"run", "small", "--mode", "coordinated", "--scale", "20", "--out", run.string(), "--quiet"},
      dir.path());
  ASSERT_TRUE(await_live(run / "coordinated"));
  const mode_t before = umask(022);
  // A signal is what the tool itself records.
  const Finished stopped = run_tearline({"fault", run.string(), "stop", "agency.aa"}, dir.path());
  const Finished continued = run_tearline({"fault", run.string(), "cont", "agency.aa"}, dir.path());
  umask(before);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(continued.exit_code, 0) << continued.err;
  const std::optional<Finished> finished = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished);
  ASSERT_TRUE(fs::exists(run / "coordinated" / "faults.trace.jsonl"));
  EXPECT_EQ(granting(run, 077), std::vector<std::string>{});
}

TEST(FileModes, ASweepFolderGrantsNothingToGroupOrOthers) {
  TempDir dir;
  const fs::path sweep = dir.path() / "sweep";
  const Finished finished = run_tearline({"sweep", "small", "--seeds", "1", "--in-process",
                                          "--keep-traces", "--out", sweep.string(), "--quiet"},
                                         dir.path());
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  ASSERT_GT(count_entries(sweep), 10u);
  EXPECT_EQ(granting(sweep, 077), std::vector<std::string>{});
}

}  // namespace
}  // namespace tearline::testing
