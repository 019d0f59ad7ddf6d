// Faults in real runs: every fault kind from a schedule, the same schedule
// giving the same losses by link, and `tearline fault` against a live run.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json run_coordinated(const fs::path& scenario, const fs::path& run) {
  const Finished finished = run_tearline(
      {"run", scenario.string(), "--mode", "coordinated", "--out", run.string(), "--quiet"},
      run.parent_path());
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  return read_json(run / "report.json")["modes"]["coordinated"];
}

const nlohmann::json& fault_named(const nlohmann::json& mode, const std::string& prefix) {
  for (const auto& fault : mode["faults"]) {
    if (fault["fault"].get<std::string>().starts_with(prefix)) return fault;
  }
  ADD_FAILURE() << "no fault " << prefix << " in " << mode["faults"];
  static const nlohmann::json none;
  return none;
}

int total_lost(const nlohmann::json& fault) {
  int lost = 0;
  for (const auto& [reason, count] : fault["lost"].items()) lost += count.get<int>();
  return lost;
}

class EveryFaultKind : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    mode_ = new nlohmann::json(
        run_coordinated(small_with_every_fault_kind(dir_->path()), dir_->path() / "run"));
  }
  static void TearDownTestSuite() {
    delete mode_;
    delete dir_;
  }
  static TempDir* dir_;
  static nlohmann::json* mode_;
};

TempDir* EveryFaultKind::dir_ = nullptr;
nlohmann::json* EveryFaultKind::mode_ = nullptr;

TEST_F(EveryFaultKind, NothingIsUnaccountedWhateverWasInjected) {
  EXPECT_EQ((*mode_)["messages"]["unaccounted"].get<int>(), 0) << (*mode_)["unaccounted_messages"];
  EXPECT_TRUE((*mode_)["anomalies"].empty()) << (*mode_)["anomalies"];
}

TEST_F(EveryFaultKind, APartitionCostsAttemptsThatAreResentAfterTheHeal) {
  const auto& fault = fault_named(*mode_, "partition broker");
  EXPECT_EQ(fault["node"], "agency.bb");
  EXPECT_DOUBLE_EQ(fault["t_h"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(fault["until_h"].get<double>(), 50);
  EXPECT_GT(fault["attempts_lost"].get<int>(), 0);
  // The insider's report waited out the partition: the plot is touched...
  EXPECT_EQ(fault["plots"], nlohmann::json({"plot.north-1"}));
}

TEST_F(EveryFaultKind, ALossyLinkLosesAttemptsWithTheInjectedReason) {
  const auto& fault = fault_named(*mode_, "link *");
  EXPECT_EQ(fault["node"], "broker");
  EXPECT_GT(fault["attempts_lost"].get<int>(), 0);
  EXPECT_GT(fault["delayed"].get<int>(), 0);
}

TEST_F(EveryFaultKind, APausedUnitDelaysWhatIsSentToIt) {
  const auto& fault = fault_named(*mode_, "pause");
  EXPECT_EQ(fault["node"], "unit.north");
  EXPECT_DOUBLE_EQ(fault["until_h"].get<double>(), 114);
  EXPECT_GT(fault["delayed"].get<int>(), 0);
}

TEST_F(EveryFaultKind, AStalledDepartmentDelaysWhatQueuesThere) {
  const auto& fault = fault_named(*mode_, "queue database@agency.aa");
  EXPECT_DOUBLE_EQ(fault["until_h"].get<double>(), 140);
  EXPECT_GT(fault["delayed"].get<int>(), 0);
}

TEST_F(EveryFaultKind, ACrashedBrokerIsRestartedAndWhatItHeldIsLostToTheCrash) {
  const auto& fault = fault_named(*mode_, "crash");
  EXPECT_EQ(fault["node"], "broker");
  EXPECT_DOUBLE_EQ(fault["t_h"].get<double>(), 130);
  EXPECT_FALSE(fault["until_h"].is_null()) << "restarted";
  for (const auto& [reason, count] : fault["lost"].items()) EXPECT_EQ(reason, "crash:broker");
  for (const auto& node : (*mode_)["nodes"]) {
    if (node["name"] == "broker") {
      EXPECT_EQ(node["exits"], nlohmann::json({"signal:KILL", "exit:0"}));
    }
  }
}

TEST_F(EveryFaultKind, AKilledAgencyIsRestarted) {
  const auto& fault = fault_named(*mode_, "signal KILL");
  EXPECT_EQ(fault["node"], "agency.bb");
  EXPECT_FALSE(fault["until_h"].is_null());
  for (const auto& node : (*mode_)["nodes"]) {
    if (node["name"] == "agency.bb") {
      EXPECT_EQ(node["exits"], nlohmann::json({"signal:KILL", "exit:0"}));
    }
  }
}

TEST_F(EveryFaultKind, AStoppedUnitIsContinued) {
  const auto& fault = fault_named(*mode_, "signal STOP");
  EXPECT_EQ(fault["node"], "unit.south");
  EXPECT_FALSE(fault["until_h"].is_null()) << "SIGCONT came";
  EXPECT_EQ(total_lost(fault), 0);
  // The stopped unit heard nothing while stopped, but its peers were up
  // throughout: it must not trace them down once it runs again.
  std::ifstream trace(dir_->path() / "run/coordinated/unit.south.trace.jsonl");
  std::string peers_down_after_stop;
  for (std::string line; std::getline(trace, line);) {
    const auto event = nlohmann::json::parse(line);
    if (event["kind"] == "peer_down" && event["t_h"].get<double>() >= 170) {
      peers_down_after_stop += line + "\n";
    }
  }
  EXPECT_EQ(peers_down_after_stop, "") << slurp(dir_->path() / "run/coordinated/unit.south.log");
}

TEST(FaultSchedule, TheSameScheduleAndSeedGiveTheSameLossesByLink) {
  TempDir dir;
  const fs::path scenario = small_with_every_fault_kind(dir.path());
  const auto first = run_coordinated(scenario, dir.path() / "first");
  const auto second = run_coordinated(scenario, dir.path() / "second");
  std::map<std::string, nlohmann::json> first_losses;
  for (const auto& handoff : first["handoffs"]) {
    if (handoff["name"].get<std::string>().find("->") == std::string::npos) continue;
    first_losses[handoff["name"]] = {handoff["lost"], handoff.value("attempts_lost", 0)};
  }
  ASSERT_FALSE(first_losses.empty());
  for (const auto& handoff : second["handoffs"]) {
    if (handoff["name"].get<std::string>().find("->") == std::string::npos) continue;
    EXPECT_EQ(first_losses[handoff["name"]],
              nlohmann::json({handoff["lost"], handoff.value("attempts_lost", 0)}))
        << handoff["name"];
  }
}

TEST(FaultCommand, ChangesALiveNodeAndSaysClearlyWhatItCannotDo) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  Child launcher(
      {"run", "small", "--mode", "coordinated", "--scale", "40", "--out", run.string(), "--quiet"},
      dir.path());
  ASSERT_TRUE(await_live(run / "coordinated"));
  const fs::path tool_dir = dir.path() / "tool";
  fs::create_directories(tool_dir);

  const Finished status = run_tearline({"fault", run.string(), "status", "broker"}, tool_dir);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("officers@broker"), std::string::npos) << status.out;

  const Finished partition =
      run_tearline({"fault", run.string(), "partition", "agency.aa", "broker"}, tool_dir);
  EXPECT_EQ(partition.exit_code, 0) << partition.err;

  const Finished unknown = run_tearline({"fault", run.string(), "pause", "agency.zz"}, tool_dir);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no node named \"agency.zz\""), std::string::npos) << unknown.err;

  const Finished refused = run_tearline(
      {"fault", run.string(), "queue", "broker", "desk@nowhere", "--workers", "0"}, tool_dir);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("no department named"), std::string::npos) << refused.err;

  // Aimed at intelligence: at an agency only, a report, trace or subject.
  const Finished delay = run_tearline(
      {"fault", run.string(), "delay", "agency.aa", "subject", "subject-x", "--delay-h", "12"},
      tool_dir);
  EXPECT_EQ(delay.exit_code, 0) << delay.err;
  const Finished at_centre =
      run_tearline({"fault", run.string(), "lose", "broker", "report", "aa-north-1"}, tool_dir);
  EXPECT_EQ(at_centre.exit_code, 1);
  EXPECT_NE(at_centre.err.find("act at agencies only"), std::string::npos) << at_centre.err;
  const Finished bad_target =
      run_tearline({"fault", run.string(), "lose", "agency.aa", "colour", "red"}, tool_dir);
  EXPECT_EQ(bad_target.exit_code, 2);
  EXPECT_NE(bad_target.err.find("not \"colour\""), std::string::npos) << bad_target.err;
  const Finished no_delay =
      run_tearline({"fault", run.string(), "delay", "agency.aa", "report", "aa-north-1"}, tool_dir);
  EXPECT_EQ(no_delay.exit_code, 2);
  EXPECT_NE(no_delay.err.find("--delay-h"), std::string::npos) << no_delay.err;

  const auto finished = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 0) << finished->err;
  const std::string trace = slurp(run / "coordinated" / "agency.aa.trace.jsonl");
  EXPECT_NE(trace.find(R"("fault":"partition broker","by":"tearline fault")"), std::string::npos);
  EXPECT_NE(trace.find(R"("fault":"delay subject subject-x delay_h=12","by":"tearline fault")"),
            std::string::npos);
  EXPECT_EQ(slurp(run / "coordinated" / "broker.trace.jsonl").find("desk@nowhere"),
            std::string::npos)
      << "a refused command changes nothing";

  const Finished not_live = run_tearline({"fault", run.string(), "pause", "broker"}, tool_dir);
  EXPECT_EQ(not_live.exit_code, 1);
  EXPECT_NE(not_live.err.find("is not live"), std::string::npos) << not_live.err;
}

}  // namespace
}  // namespace tearline::testing
