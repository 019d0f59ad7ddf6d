// The mode's driver (ModeRun) on a fake clock with a fake host: what it
// grants, how it paces and what it records of a node's death, without a
// process or a real second passing.
#include "launcher/mode/mode_driver.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "launcher/mode/death_notes.h"
#include "node/link_layer.h"
#include "scenario/scenario.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

// Nodes that do what they are granted at once: each reaches its grant's end
// and has an event every scenario hour. Crashes and kills end them, as a
// real node's would; a test may kill one from outside at an hour.
struct Started {
  std::string node;
  double begin_h;
  uint32_t incarnation;
  std::optional<double> died_at_h;
  std::map<std::string, double> granted_until_h;  // Every node's, then.
};

// What the fake host was asked to do; it outlives the host, which the run
// owns.
struct HostLog {
  std::vector<Started> starts;
  std::map<std::string, double> granted_until_h;  // The last grant of each node.
  std::vector<std::string> crashes;               // Nodes told to crash.
  // Signals and waits for frames, in the order asked: "SIGSTOP agency.aa",
  // "await agency.aa>unit.north=3" (receiver's due frames from a sender).
  std::vector<std::string> actions;
  bool stopped = false;
  int idles = 0;
};

class FakeHost final : public NodeHost {
 public:
  // `die_after_h`: a node that dies from outside once granted past the hour.
  FakeHost(WallClock& clock, HostLog& log, std::map<std::string, double> die_after_h)
      : clock_(clock), log_(log), die_after_h_(std::move(die_after_h)) {}

  bool start(const std::string& node, const v1::Start& start, std::string*) override {
    log_.starts.push_back({node, start.begin_h(), start.incarnation(),
                           start.has_died_at_h() ? std::optional(start.died_at_h()) : std::nullopt,
                           log_.granted_until_h});
    running_.insert(node);
    return true;
  }
  void set_host(const std::string&, const std::string&) override {}
  bool launch_passive(const std::string& member, std::string*) override {
    running_.insert(member);
    return true;
  }
  bool await_copy(const std::string&, const std::string&, std::string*) override { return true; }
  std::map<std::string, v1::RoundReport> run_round(std::map<std::string, v1::Grant> grants,
                                                   std::vector<std::string>*) override {
    std::map<std::string, v1::RoundReport> reports;
    for (const auto& [node, grant] : grants) {
      if (!running_.contains(node)) continue;
      log_.granted_until_h[node] = grant.until_h();
      if (const auto dies = die_after_h_.find(node);
          dies != die_after_h_.end() && grant.until_h() > dies->second) {
        die_after_h_.erase(dies);
        end(node, "signal:KILL", false);
        continue;
      }
      v1::RoundReport& report = reports[node];
      report.set_round(grant.round());
      report.set_reached_h(grant.until_h());
      // It may send at once, so the next grant is no longer than a transit.
      if (sends_at_once) report.set_next_send_h(grant.until_h());
      report.set_next_event_h(grant.until_h() + 1);
      if (const auto to = sends_to.find(node); to != sends_to.end() &&
                                               running_.contains(to->second.peer) &&
                                               grant.until_h() <= to->second.until_h) {
        v1::SentFrames* sent = report.add_sent();
        sent->set_peer(to->second.peer);
        sent->set_peer_incarnation(1);
        sent->set_frames(1);
        sent->set_min_arrival_h(grant.until_h() + to->second.transit_h);
      }
    }
    return reports;
  }
  bool command(const std::string& node, const v1::ControlRequest& request, std::string*) override {
    if (request.has_crash()) {
      log_.crashes.push_back(node);
      end(node, "exit:70", false);
    }
    return true;
  }
  bool await_frames_delivered(const std::map<std::string, std::vector<v1::FrameCount>>& due,
                              std::string*) override {
    for (const auto& [receiver, counts] : due) {
      for (const v1::FrameCount& count : counts) {
        log_.actions.push_back(
            fmt::format("await {}>{}={}", count.peer(), receiver, count.frames()));
      }
    }
    return true;
  }
  void signal(const std::string& process, int signal) override {
    log_.actions.push_back(fmt::format("{} {}", sigabbrev_np(signal), process));
    if (signal == SIGKILL && running_.contains(process)) end(process, "signal:KILL", false);
  }
  void await_end(const std::string&) override {}
  std::vector<NodeExit> collect_exits() override { return std::exchange(exits_, {}); }
  bool running(const std::string& process) const override { return running_.contains(process); }
  void stop_all(std::vector<std::string>*) override {
    log_.stopped = true;
    for (const std::string& node : std::set<std::string>(running_)) end(node, "exit:0", true);
  }
  void idle(std::chrono::milliseconds timeout) override {
    ++log_.idles;
    if (while_idle) while_idle(*this);  // As a live request would come.
    clock_.wait(timeout);
  }
  void publish(bool, const nlohmann::json&) override {}

  void kill_from_outside(const std::string& node) { end(node, "signal:KILL", false); }
  std::function<void(FakeHost&)> while_idle;
  // False: nodes never have anything to send, so nothing holds them back
  // but the fault schedule, restarts and the end.
  bool sends_at_once = true;
  // Node -> the peer it sends one frame to in every window that ends by
  // until_h, arriving after the least transit. (The peer's fake reports
  // never say a frame waits, so the last must arrive before its grants end.)
  struct Sends {
    std::string peer;
    double transit_h;
    double until_h;
  };
  std::map<std::string, Sends> sends_to;

 private:
  void end(const std::string& node, const std::string& reason, bool clean) {
    running_.erase(node);
    exits_.push_back({node, reason, clean});
  }

  WallClock& clock_;
  HostLog& log_;
  std::map<std::string, double> die_after_h_;
  std::set<std::string> running_;
  std::vector<NodeExit> exits_;
};

class ModeDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tearline-mode-driver-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // small.toml, plus `faults` appended.
  Scenario scenario(const std::string& faults = "") {
    std::ifstream in(std::string(TEARLINE_SOURCE_DIR) + "/scenarios/small.toml");
    std::stringstream text;
    text << in.rdbuf() << "\n" << faults;
    return parse_scenario(text.str(), "small.toml");
  }

  // Runs bilateral mode on a fake host on the fake clock; what the host saw
  // goes to log_.
  ModeOutcome run(const Scenario& scenario, double ms_per_scenario_hour = 0,
                  const std::map<std::string, double>& die_after_h = {},
                  const std::function<void(ModeRun&, FakeHost&)>& while_idle = {}) {
    ModeRunOptions options;
    options.mode = "bilateral";
    options.mode_dir = dir_;
    options.quiet = true;
    options.ms_per_scenario_hour = ms_per_scenario_hour;
    options.interrupted = [] { return false; };
    ModeRun run(scenario, options, clock_, [&](ModeRun& driver) {
      auto host = std::make_unique<FakeHost>(clock_, log_, die_after_h);
      host->sends_to = sends_to_;
      if (while_idle) {
        host->while_idle = [&driver, while_idle](FakeHost& h) { while_idle(driver, h); };
      }
      return host;
    });
    ModeOutcome outcome = run.run();
    for (const char* node : {"unit.north", "agency.aa"}) {
      if (const NodeLife* life = run.life_of(node)) lives_[node] = *life;
    }
    return outcome;
  }

  fs::path dir_;
  FakeClock clock_;
  HostLog log_;
  std::map<std::string, NodeLife> lives_;
  std::map<std::string, FakeHost::Sends> sends_to_;  // For FakeHost::sends_to.
};

TEST_F(ModeDriverTest, GrantsAdvanceEveryNodeToTheEnd) {
  const Scenario small = scenario();
  const ModeOutcome outcome = run(small);
  EXPECT_TRUE(outcome.failures.empty());
  EXPECT_GT(outcome.rounds, 1u);
  EXPECT_EQ(log_.starts.size(), nodes_of_mode(small, "bilateral").size());
  for (const auto& [node, role] : nodes_of_mode(small, "bilateral")) {
    EXPECT_DOUBLE_EQ(log_.granted_until_h[node], small.duration_h) << node;
  }
  EXPECT_TRUE(log_.stopped);
  EXPECT_EQ(log_.idles, 0);      // Unpaced: no wait at all.
  EXPECT_EQ(outcome.wall_s, 0);  // The fake clock never moved.
  // A clean stop is no death; it ends the node at the end.
  EXPECT_EQ(lives_["unit.north"].deaths, 0u);
  EXPECT_EQ(lives_["unit.north"].died_at_h, small.duration_h);
}

TEST_F(ModeDriverTest, PaceIsKeptInFakeTime) {
  const Scenario small = scenario();
  constexpr double kMsPerHour = 10;
  const ModeOutcome outcome = run(small, kMsPerHour);
  EXPECT_TRUE(outcome.failures.empty());
  // The last round is granted once the pace allows its first hour, so
  // nearly the whole scenario's worth of fake wall time has passed, and
  // not much more (a pace step is at most 50 ms).
  EXPECT_GT(log_.idles, 0);
  EXPECT_GE(outcome.wall_s, (small.duration_h - 24) * kMsPerHour / 1000);
  EXPECT_LE(outcome.wall_s, small.duration_h * kMsPerHour / 1000 + 0.05);
}

TEST_F(ModeDriverTest, ACrashIsOneDeathInTheNodesLifeAndItsRestartKnowsIt) {
  const ModeOutcome outcome = run(scenario(R"(
[[fault]]
at_h = 50
node = "unit.north"
command = "crash"
restart_after_h = 10
)"));
  EXPECT_TRUE(outcome.failures.empty());
  ASSERT_EQ(outcome.injected_deaths.size(), 1u);
  EXPECT_EQ(log_.crashes, std::vector<std::string>{"unit.north"});
  const NodeLife& life = lives_["unit.north"];
  EXPECT_EQ(life.deaths, 1u);  // The crash; the final stop is none.
  EXPECT_FALSE(life.dying());  // Its end was seen.
  EXPECT_FALSE(life.restart_at_h);
  std::vector<Started> north;
  for (const Started& start : log_.starts) {
    if (start.node == "unit.north") north.push_back(start);
  }
  ASSERT_EQ(north.size(), 2u);
  EXPECT_EQ(north[1].begin_h, 60);
  EXPECT_EQ(north[1].incarnation, north[0].incarnation + 1);
  EXPECT_EQ(north[1].died_at_h, 50);
  EXPECT_DOUBLE_EQ(log_.granted_until_h["unit.north"], 240);
}

TEST_F(ModeDriverTest, ADeathFromOutsideFailsTheRunOnce) {
  // The fake host kills agency.aa once it is granted past hour 30.
  const ModeOutcome outcome = run(scenario(), 0, {{"agency.aa", 30}});
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_NE(outcome.failures[0].find("node agency.aa died unexpectedly: signal:KILL"),
            std::string::npos);
  EXPECT_TRUE(outcome.injected_deaths.empty());
  const NodeLife& life = lives_["agency.aa"];
  EXPECT_EQ(life.deaths, 1u);
  // Dead from the end of its last grant, which it never reported.
  EXPECT_EQ(life.died_at_h, log_.granted_until_h["agency.aa"]);
  EXPECT_GT(*life.died_at_h, 30);
}

TEST_F(ModeDriverTest, ARestartAskedForLiveStartsWhereNoPeerIsPastItsFramesAndTheRunGoesOn) {
  // unit.north is killed from outside (as `tearline fault crash` does: its
  // trace says so); once its death is seen, the operator asks for it to be
  // restarted shortly after "now", while the pacer waits. Others may have
  // been granted past that hour by then.
  const Scenario small = scenario();
  const fs::path north_trace = dir_ / "unit.north.trace.jsonl";
  std::optional<v1::ControlReply> reply;
  const auto while_idle = [&](ModeRun& run, FakeHost& host) {
    if (!fs::exists(north_trace) && log_.granted_until_h["unit.north"] >= 20) {
      host.sends_at_once = false;  // From now on only the restart holds the others back.
      std::ofstream(north_trace) << R"({"kind":"fault","fault":"crash","node":"unit.north"})"
                                 << "\n";
      host.kill_from_outside("unit.north");
    } else if (!reply && run.life_of("unit.north")->died_at_h) {
      v1::LauncherRequest restart;
      restart.set_node("unit.north");
      restart.mutable_restart()->set_after_h(0);
      reply = run.answer(restart);
    }
  };
  const ModeOutcome outcome = run(small, 10, {}, while_idle);
  EXPECT_TRUE(outcome.failures.empty()) << outcome.failures.front();
  ASSERT_TRUE(reply);
  ASSERT_TRUE(reply->ok()) << reply->error();
  std::vector<Started> north;
  for (const Started& start : log_.starts) {
    if (start.node == "unit.north") north.push_back(start);
  }
  ASSERT_EQ(north.size(), 2u);
  EXPECT_DOUBLE_EQ(north[1].begin_h, reply->restart_at_h());
  EXPECT_GE(north[1].begin_h, reply->status().now_h());
  // What it sends from then on reaches nobody in their past.
  for (const auto& [node, granted_h] : north[1].granted_until_h) {
    if (node == "unit.north") continue;
    EXPECT_LE(granted_h, north[1].begin_h + least_transit_h(small, "unit.north", node)) << node;
  }
  EXPECT_DOUBLE_EQ(log_.granted_until_h["unit.north"], small.duration_h);
}

TEST_F(ModeDriverTest, ANodeIsStoppedOnlyOnceWhatItSentHasArrived) {
  // A node's frames may still be in its process's sockets when it answers a
  // grant; stopped then, it would hold them, and a receiver waiting for them
  // would wait for ever (its peer's SIGCONT comes at a later hour).
  const Scenario small = scenario(R"(
[[fault]]
at_h = 50
node = "agency.aa"
command = "stop"
for_h = 10
)");
  sends_to_ = {
      {"agency.aa", {"unit.north", least_transit_h(small, "agency.aa", "unit.north"), 40}}};
  const ModeOutcome outcome = run(small);
  EXPECT_TRUE(outcome.failures.empty()) << outcome.failures.front();
  const auto stop = std::find(log_.actions.begin(), log_.actions.end(), "STOP agency.aa");
  ASSERT_NE(stop, log_.actions.end());
  // Just before the stop, the launcher waited for the frames agency.aa has
  // sent unit.north by then (one a window).
  ASSERT_NE(stop, log_.actions.begin());
  EXPECT_TRUE(std::prev(stop)->starts_with("await agency.aa>unit.north=")) << *std::prev(stop);
  EXPECT_NE(std::find(stop, log_.actions.end(), "CONT agency.aa"), log_.actions.end());
}

TEST(RestartNote, SaysWhenTheRestartIsOrWhyThereIsNone) {
  EXPECT_EQ(restart_note(60, 240, false), "; restarted at 60.0 h");
  EXPECT_EQ(restart_note(240, 240, false),
            "; not restarted: 240.0 h is past the end of the run (240.0 h)");
  EXPECT_EQ(restart_note(60, 240, true), "; not restarted: it died while the run was stopping");
}

}  // namespace
}  // namespace tearline
