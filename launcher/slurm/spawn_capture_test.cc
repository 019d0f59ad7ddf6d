// spawn_capture on small programs every Debian has (sh, yes, grep): both
// streams read together, exit codes, a program that is not there, output
// cut at its bound, and what the child inherits.
#include "launcher/slurm/spawn_capture.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

namespace tearline {
namespace {

SpawnOptions capturing_both() {
  SpawnOptions options;
  options.capture_stderr = true;
  return options;
}

TEST(SpawnCaptureTest, ReadsBothStreamsAndTheExitCode) {
  const SpawnResult result =
      spawn_capture({"/bin/sh", "-c", "printf out; printf err >&2; exit 3"}, capturing_both());
  ASSERT_EQ(result.exit_code, 3) << result.error;
  EXPECT_EQ(result.out, "out");
  EXPECT_EQ(result.err, "err");
  EXPECT_FALSE(result.cut);
}

TEST(SpawnCaptureTest, LeavesStderrAloneUnlessCaptured) {
  const SpawnResult result = spawn_capture({"/bin/sh", "-c", "printf out; printf err >&2"}, {});
  ASSERT_EQ(result.exit_code, 0) << result.error;
  EXPECT_EQ(result.out, "out");
  EXPECT_EQ(result.err, "");
}

// More on stderr than a pipe holds, before anything on stdout: a reader
// of stdout alone would wait for ever on a child blocked writing stderr.
TEST(SpawnCaptureTest, ReadsAFullStderrWhileStdoutIsQuiet) {
  const SpawnResult result =
      spawn_capture({"/bin/sh", "-c", "head -c 300000 /dev/zero >&2; echo done"}, capturing_both());
  ASSERT_EQ(result.exit_code, 0) << result.error;
  EXPECT_EQ(result.out, "done\n");
  EXPECT_EQ(result.err.size(), 300000u);
  EXPECT_FALSE(result.cut);
}

TEST(SpawnCaptureTest, SaysWhichSignalEndedIt) {
  const SpawnResult result = spawn_capture({"/bin/sh", "-c", "kill -9 $$"}, {});
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
}

TEST(SpawnCaptureTest, AMissingProgramIsNotStarted) {
  const SpawnResult result = spawn_capture({"tearline-no-such-program"}, capturing_both());
  EXPECT_FALSE(result.exit_code);
  EXPECT_EQ(result.error, "cannot start tearline-no-such-program: No such file or directory");
  EXPECT_FALSE(spawn_capture({}, {}).exit_code);
}

// `yes` never ends by itself: the test ends only because it is killed.
TEST(SpawnCaptureTest, CutsAnOverLongOutputAndKillsItsWriter) {
  SpawnOptions options;
  options.output_bytes_max = 1001;
  const SpawnResult result = spawn_capture({"yes"}, options);
  EXPECT_TRUE(result.cut);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  std::string expected;
  while (expected.size() < 1001) expected += "y\n";
  expected.resize(1001);
  EXPECT_EQ(result.out, expected);
}

TEST(SpawnCaptureTest, OutputOfExactlyTheBoundIsWhole) {
  SpawnOptions options;
  options.output_bytes_max = 5;
  const SpawnResult result = spawn_capture({"/bin/sh", "-c", "printf 12345"}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "12345");
  EXPECT_FALSE(result.cut);
}

TEST(SpawnCaptureTest, StdinFromDevNullReadsNothing) {
  SpawnOptions options;
  options.stdin_from_dev_null = true;
  const SpawnResult result = spawn_capture({"/bin/sh", "-c", "wc -c"}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "0\n");
}

// The child's process group (field 5 of /proc/PID/stat) is its own pid,
// and SIGINT and SIGTERM are in its blocked mask.
TEST(SpawnCaptureTest, OwnGroupAndBlockedInterruptsAreInherited) {
  SpawnOptions options;
  options.own_process_group = true;
  options.interrupts_blocked = true;
  const SpawnResult group =
      spawn_capture({"/bin/sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"}, options);
  ASSERT_EQ(group.exit_code, 0) << group.error;
  std::istringstream lines(group.out);
  std::string pid;
  std::string pgid;
  lines >> pid >> pgid;
  EXPECT_FALSE(pid.empty());
  EXPECT_EQ(pid, pgid);

  const SpawnResult mask = spawn_capture({"grep", "SigBlk", "/proc/self/status"}, options);
  ASSERT_EQ(mask.exit_code, 0) << mask.error;
  const unsigned long long blocked =
      std::stoull(mask.out.substr(mask.out.find(':') + 1), nullptr, 16);
  const unsigned long long interrupts = (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1));
  EXPECT_EQ(blocked & interrupts, interrupts);

  // Without the options: in the group of the test.
  const SpawnResult plain =
      spawn_capture({"/bin/sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"}, {});
  ASSERT_EQ(plain.exit_code, 0) << plain.error;
  std::istringstream plain_lines(plain.out);
  plain_lines >> pid >> pgid;
  EXPECT_NE(pid, pgid);
}

}  // namespace
}  // namespace tearline
