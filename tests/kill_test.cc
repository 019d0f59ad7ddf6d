// Killed processes: a node killed mid-run fails the run and names the node;
// a killed launcher takes every node with it. No process is left behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

// Waits until every node of `mode` has started its clock; returns pid by node.
std::map<std::string, pid_t> await_running_nodes(const fs::path& mode_dir) {
  std::map<std::string, pid_t> pids;
  const bool started = eventually(
      [&] {
        if (!fs::exists(mode_dir / "nodes.json")) return false;
        nlohmann::json nodes;
        try {
          nodes = read_json(mode_dir / "nodes.json");
        } catch (const std::exception&) {
          return false;  // Being written.
        }
        pids.clear();
        for (const auto& node : nodes["nodes"]) {
          const auto trace = mode_dir / (node["name"].get<std::string>() + ".trace.jsonl");
          std::ifstream in(trace);
          std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          if (text.find("\"node_started\"") == std::string::npos) return false;
          pids[node["name"]] = node["pid"].get<pid_t>();
        }
        return !pids.empty();
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(started);
  return pids;
}

bool all_gone(const std::map<std::string, pid_t>& pids) {
  for (const auto& [name, pid] : pids) {
    if (process_alive(pid)) return false;
  }
  return true;
}

TEST(Kill, SigkillOfANodeFailsTheRunNamesItAndLeavesNoProcess) {
  TempDir dir;
  const auto run = dir.path() / "run";
  // A slow clock, so the run is surely still going when the node is killed.
  Child launcher({"run", "small", "--mode", "coordinated", "--scale", "40", "--out", run.string()},
                 dir.path());
  const auto pids = await_running_nodes(run / "coordinated");
  ASSERT_TRUE(pids.count("broker"));
  ASSERT_EQ(kill(pids.at("broker"), SIGKILL), 0);

  const auto finished = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 1);
  EXPECT_NE(finished->err.find("node broker"), std::string::npos) << finished->err;
  EXPECT_NE(finished->err.find("signal:KILL"), std::string::npos) << finished->err;
  EXPECT_TRUE(all_gone(pids));
  // The survivors stopped cleanly, so their traces and the report exist.
  EXPECT_TRUE(fs::exists(run / "report.json"));
}

TEST(Kill, RestartAfterHRestartsANodeKilledFromOutside) {
  TempDir dir;
  const auto run = dir.path() / "run";
  Child launcher({"run", "small", "--mode", "coordinated", "--scale", "20", "--restart-after-h",
                  "5", "--out", run.string()},
                 dir.path());
  const auto pids = await_running_nodes(run / "coordinated");
  ASSERT_TRUE(pids.count("broker"));
  ASSERT_EQ(kill(pids.at("broker"), SIGKILL), 0);
  const auto finished = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 0) << finished->err;
  EXPECT_NE(finished->err.find("restarted at"), std::string::npos) << finished->err;
  const auto report = read_json(run / "report.json");
  const auto& mode = report["modes"]["coordinated"];
  EXPECT_EQ(mode["messages"]["unaccounted"].get<int>(), 0) << mode["unaccounted_messages"];
  for (const auto& node : mode["nodes"]) {
    if (node["name"] == "broker") {
      EXPECT_EQ(node["exits"], nlohmann::json({"signal:KILL", "exit:0"}));
    }
  }
}

TEST(Kill, SigkillOfTheLauncherTakesEveryNodeWithIt) {
  TempDir dir;
  const auto run = dir.path() / "run";
  Child launcher({"run", "small", "--mode", "coordinated", "--scale", "40", "--out", run.string()},
                 dir.path());
  const auto pids = await_running_nodes(run / "coordinated");
  ASSERT_FALSE(pids.empty());
  const std::string socket_dir =
      read_json(run / "coordinated" / "nodes.json")["launcher_control"].get<std::string>().substr(
          std::string("ipc://").size());
  ASSERT_EQ(kill(launcher.pid(), SIGKILL), 0);
  ASSERT_TRUE(launcher.wait(std::chrono::seconds(10)).has_value());
  EXPECT_TRUE(eventually([&] { return all_gone(pids); }, std::chrono::seconds(10)));

  // The report says the run did not finish and counts what the nodes held
  // as lost to the launcher's death: nothing is unaccounted.
  const Finished report = run_tearline({"report", run.string(), "--json"}, dir.path());
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.err.find("the run did not finish"), std::string::npos) << report.err;
  const auto mode = nlohmann::json::parse(report.out)["modes"]["coordinated"];
  EXPECT_EQ(mode["messages"]["unaccounted"].get<int>(), 0) << mode["unaccounted_messages"];

  // The next run removes the socket folder the killed launcher left behind.
  const fs::path socket_folder = fs::path(socket_dir).parent_path();
  EXPECT_TRUE(fs::exists(socket_folder));
  const Finished next = run_tearline({"run", "small", "--mode", "bilateral", "--scale", "0",
                                      "--out", (dir.path() / "next").string(), "--quiet"},
                                     dir.path());
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_FALSE(fs::exists(socket_folder));
}

TEST(Kill, InterruptStopsTheNodesCleanlyAndExits130) {
  TempDir dir;
  const auto run = dir.path() / "run";
  Child launcher({"run", "small", "--mode", "coordinated", "--scale", "40", "--out", run.string()},
                 dir.path());
  const auto pids = await_running_nodes(run / "coordinated");
  ASSERT_EQ(kill(launcher.pid(), SIGINT), 0);
  const auto finished = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 130) << finished->err;
  EXPECT_TRUE(all_gone(pids));
  const auto report = read_json(run / "report.json");
  EXPECT_EQ(report["modes"]["coordinated"]["messages"]["unaccounted"].get<int>(), 0);
}

}  // namespace
}  // namespace tearline::testing
