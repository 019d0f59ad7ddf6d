// Real runs of the small scenario, asserting on report.json.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/child.h"

namespace tearline::testing {
namespace {

class SmallRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    finished_ =
        new Finished(run_tearline({"run", source_dir() + "/scenarios/small.toml", "--seed", "1",
                                   "--out", (dir_->path() / "run").string(), "--quiet"},
                                  dir_->path()));
    report_ = new nlohmann::json(read_json(dir_->path() / "run" / "report.json"));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete finished_;
    delete dir_;
  }
  static const nlohmann::json& mode(const std::string& name) { return (*report_)["modes"][name]; }

  static TempDir* dir_;
  static Finished* finished_;
  static nlohmann::json* report_;
};

TempDir* SmallRun::dir_ = nullptr;
Finished* SmallRun::finished_ = nullptr;
nlohmann::json* SmallRun::report_ = nullptr;

TEST_F(SmallRun, ExitsZeroWithBothModes) {
  EXPECT_EQ(finished_->exit_code, 0) << finished_->err;
  ASSERT_TRUE(report_->contains("modes"));
  EXPECT_TRUE((*report_)["modes"].contains("bilateral"));
  EXPECT_TRUE((*report_)["modes"].contains("coordinated"));
}

TEST_F(SmallRun, EveryMessageIsAccountedFor) {
  for (const std::string name : {"bilateral", "coordinated"}) {
    const auto& messages = mode(name)["messages"];
    EXPECT_GT(messages["created"].get<int>(), 0) << name;
    EXPECT_EQ(messages["unaccounted"].get<int>(), 0)
        << name << ": " << mode(name)["unaccounted_messages"];
    EXPECT_EQ(messages["created"].get<int>(), messages["delivered"].get<int>() +
                                                  messages["lost"].get<int>() +
                                                  messages["in_flight"].get<int>())
        << name;
  }
}

TEST_F(SmallRun, EveryHandoffBalances) {
  for (const std::string name : {"bilateral", "coordinated"}) {
    for (const auto& handoff : mode(name)["handoffs"]) {
      int lost = 0;
      for (const auto& [reason, count] : handoff["lost"].items()) lost += count.get<int>();
      EXPECT_EQ(handoff["in"].get<int>(),
                handoff["out"].get<int>() + lost + handoff["in_flight"].get<int>())
          << name << " " << handoff["name"];
    }
  }
}

TEST_F(SmallRun, CoordinatedExposesNoSourceAndBilateralFullSharingDoes) {
  EXPECT_EQ(mode("coordinated")["exposure"]["nodes"].get<int>(), 0);
  EXPECT_GE(mode("bilateral")["exposure"]["nodes"].get<int>(), 1);
}

TEST_F(SmallRun, ThePlotIsAvertedOnlyThroughTheCentre) {
  ASSERT_EQ(mode("coordinated")["plots"].size(), 1u);
  const auto& coordinated = mode("coordinated")["plots"][0];
  const auto& bilateral = mode("bilateral")["plots"][0];
  EXPECT_TRUE(coordinated["averted"].get<bool>());
  EXPECT_GT(coordinated["lead_time_h"].get<double>(), 0);
  EXPECT_FALSE(bilateral["averted"].get<bool>());
  // Bilaterally the insider's report crosses only as a tearline copy: it
  // reaches the unit without site or window, too thin to act on.
  ASSERT_FALSE(bilateral["warnings_not_actionable"].empty());
  for (const auto& warning : bilateral["warnings_not_actionable"]) {
    const auto& detail = warning["detail"];
    EXPECT_EQ(std::find(detail.begin(), detail.end(), "site"), detail.end()) << warning;
    EXPECT_EQ(std::find(detail.begin(), detail.end(), "window"), detail.end()) << warning;
  }
}

TEST_F(SmallRun, WritesTheRunDirectory) {
  const auto run = dir_->path() / "run";
  for (const char* file : {"report.txt", "report.json", "report.html", "scenario.toml",
                           "bilateral/launcher.trace.jsonl", "coordinated/broker.trace.jsonl",
                           "coordinated/broker.log", "coordinated/nodes.json"}) {
    EXPECT_TRUE(std::filesystem::exists(run / file)) << file;
  }
  EXPECT_FALSE(std::filesystem::exists(run / "bilateral/broker.trace.jsonl"))
      << "no broker in bilateral mode";
}

TEST_F(SmallRun, RecordsEachNodesPeakMemory) {
  for (const auto& node : mode("coordinated")["nodes"]) {
    EXPECT_GT(node["peak_rss_kib"].get<int>(), 0) << node["name"];
  }
}

TEST(Report, ReadsARunDirectoryAgainAsJson) {
  TempDir dir;
  const auto run = dir.path() / "run";
  ASSERT_EQ(
      run_tearline({"run", "small", "--mode", "coordinated", "--out", run.string(), "--quiet"},
                   dir.path())
          .exit_code,
      0);
  const Finished report = run_tearline({"report", run.string(), "--json"}, dir.path());
  EXPECT_EQ(report.exit_code, 0) << report.err;
  const auto parsed = nlohmann::json::parse(report.out);
  EXPECT_EQ(parsed["modes"]["coordinated"]["messages"],
            read_json(run / "report.json")["modes"]["coordinated"]["messages"]);
}

TEST(Run, ARoundThatWakesNoNodeStillMovesTimeOn) {
  // Chaos seed 25 leads the coordinated run to a round in which every node's
  // window is empty at 70.8 h: the time authority moves them all on without
  // waking any. That is progress, not a stuck run (it was taken for one).
  TempDir dir;
  const auto run = dir.path() / "run";
  const Finished finished =
      run_tearline({"run", "small", "--mode", "coordinated", "--chaos", "25", "--seed", "25",
                    "--in-process", "--scale", "0", "--out", run.string(), "--quiet"},
                   dir.path());
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(finished.err.find("stuck"), std::string::npos) << finished.err;
  const auto mode = read_json(run / "report.json")["modes"]["coordinated"];
  EXPECT_EQ(mode["messages"]["unaccounted"].get<int>(), 0) << mode["unaccounted_messages"];
}

}  // namespace
}  // namespace tearline::testing
