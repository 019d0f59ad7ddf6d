// What Slurm's commands answer, parsed strictly (cli/sweep/slurm_client.h), and a
// sweep submission's batches file read back checked (cli/sweep/sweep_jobs.h).
#include "cli/sweep/slurm_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/sweep/sweep_jobs.h"

namespace tearline {
namespace {

using slurm::parse_job_id;
using slurm::parse_queue;
using slurm::SlurmError;

TEST(SlurmClient, JobIdOfSbatchParsable) {
  EXPECT_EQ(parse_job_id("123\n"), 123u);
  EXPECT_EQ(parse_job_id("77;tearline\n"), 77u);
  for (const char* bad : {"", "123", "0\n", "12 3\n", "Submitted batch job 5\n", "5;\n", "5;a b\n",
                          "-5\n", "99999999999999999999999\n"}) {
    EXPECT_FALSE(parse_job_id(bad)) << bad;
  }
}

TEST(SlurmClient, QueueLines) {
  const std::vector<slurm::QueuedJob> jobs =
      parse_queue("41|0|RUNNING|None\n41|1|PENDING|JobArrayTaskLimit\n42|N/A|PENDING|Dependency\n");
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].job_id, 41u);
  EXPECT_EQ(jobs[0].task, 0u);
  EXPECT_EQ(jobs[0].state, "RUNNING");
  EXPECT_EQ(jobs[1].reason, "JobArrayTaskLimit");
  EXPECT_EQ(jobs[2].job_id, 42u);
  EXPECT_FALSE(jobs[2].task);
  EXPECT_TRUE(parse_queue("").empty());
}

TEST(SlurmClient, QueueLinesRefused) {
  for (const char* bad : {"41|0|RUNNING|None", "41|0|RUNNING\n", "41|x|RUNNING|None\n",
                          "x|0|RUNNING|None\n", "0|0|RUNNING|None\n", "41|0|running|None\n",
                          "41|0||None\n", "41|0|RUNNING|None|more\n", "41_[2-5]|N/A|PENDING|x\n"}) {
    EXPECT_THROW(parse_queue(bad), SlurmError) << bad;
  }
}

TEST(SweepJobs, BatchesReadBackChecked) {
  const std::filesystem::path file =
      std::filesystem::path(testing::TempDir()) / "slurm_client_test_batches";
  const std::vector<std::vector<size_t>> batches = {{0, 1}, {2, 3}, {5}};
  std::ofstream(file) << batches_text(batches);
  std::string error;
  EXPECT_EQ(read_batches(file, 6, error), batches);
  EXPECT_FALSE(read_batches(file, 5, error));  // Run 5 is not in a plan of 5.
  EXPECT_NE(error.find("below 5"), std::string::npos) << error;
  for (const char* bad : {"0 1\n\n2\n", "0  1\n", "0,1\n", "a\n", " 1\n"}) {
    std::ofstream(file) << bad;
    EXPECT_FALSE(read_batches(file, 6, error)) << bad;
  }
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace tearline
