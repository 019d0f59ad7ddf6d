// The centre's hot standby (docs/DURABILITY.md, "Hot standby"): the busy
// centre of tests/scenarios/busy_centre.toml runs with a standby, and its
// members are killed and crashed while active and while passive. Every
// death of the active member is followed by a failover to the passive one,
// nothing the centre accepted is lost, no unit acts twice on one message,
// the run exits 0, and the same schedule replays identically in process.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>

#include "tests/coordinated_runs.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

// busy_centre.toml with the standby broker.b, plus `faults` (TOML).
fs::path with_standby(const fs::path& dir, const std::string& name, const std::string& faults) {
  std::string text = slurp(fs::path(source_dir()) / "tests/scenarios/busy_centre.toml");
  const std::string on = "\njournal = true";
  const size_t at = text.find(on);
  EXPECT_NE(at, std::string::npos) << "busy_centre.toml no longer journals its broker";
  text.insert(at + on.size(), "\nstandby = \"broker.b\"\nfailover_after_h = 0.5");
  const fs::path path = dir / (name + ".toml");
  std::ofstream(path) << text << faults;
  return path;
}

std::string fault(double at_h, const std::string& node, const std::string& command,
                  double restart_after_h) {
  return "\n[[fault]]\nat_h = " + std::to_string(at_h) + "\nnode = \"" + node + "\"\ncommand = \"" +
         command + "\"\nrestart_after_h = " + std::to_string(restart_after_h) + "\n";
}

// Each member dies while active, twice, and once while passive; each comes
// back 5 h later, passive.
std::string alternating_deaths() {
  return fault(20, "broker", "kill", 5) +     // -> broker.b active
         fault(30, "broker", "kill", 5) +     // the passive one, named as the centre
         fault(40, "broker.b", "crash", 5) +  // -> broker active
         fault(60, "broker.b", "kill", 5) +   // the passive one
         fault(80, "broker", "crash", 5) +    // -> broker.b active
         fault(120, "broker.b", "kill", 5);   // -> broker active
}

int count_lines(const fs::path& trace, const std::string& needle) {
  std::ifstream in(trace);
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(needle) != std::string::npos;
  return count;
}

// How often the unit that acted most on one message did so.
int most_acts_on_one_message(const fs::path& mode_dir) {
  static const std::regex message(R"re("msg":"([^"]*)")re");
  int most = 0;
  for (const auto& entry : fs::directory_iterator(mode_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("unit.", 0) != 0 || !name.ends_with(".trace.jsonl")) continue;
    std::map<std::string, int> acts;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch match;
      if (line.find("\"kind\":\"acted\"") == std::string::npos ||
          !std::regex_search(line, match, message)) {
        continue;
      }
      most = std::max(most, ++acts[match[1]]);
    }
  }
  return most;
}

using Failover = CoordinatedRuns;

TEST_F(Failover, EachDeathOfTheActiveMemberFailsOverAndLosesNothing) {
  const fs::path out = run(with_standby(dir_.path(), "standby", alternating_deaths()), "run");
  const fs::path mode = out / "coordinated";
  const fs::path launcher = mode / "launcher.trace.jsonl";
  EXPECT_EQ(count_lines(launcher, "\"kind\":\"failover\""), 4);
  EXPECT_EQ(count_lines(launcher, "\"kind\":\"failover\",\"peer\":\"broker.b\""), 2);
  EXPECT_EQ(count_lines(launcher, "\"kind\":\"failover\",\"peer\":\"broker\""), 2);
  // Started passive: at the start, and after each of the six deaths.
  EXPECT_EQ(count_lines(launcher, "\"kind\":\"standby_started\""), 7);
  // Passive deaths at 30 h and 60 h, and the passive member's stop at the end.
  EXPECT_EQ(count_lines(launcher, "\"kind\":\"standby_stopped\""), 3);
  // Each member started the centre (once, or by taking over) twice or three times.
  EXPECT_EQ(count_lines(mode / "broker.trace.jsonl", "\"kind\":\"node_started\""), 3);
  EXPECT_EQ(count_lines(mode / "broker.b.trace.jsonl", "\"kind\":\"node_started\""), 2);

  const nlohmann::json report = read_json(out / "report.json")["modes"]["coordinated"];
  for (const auto& [reason, count] : report["lost_by_reason"].items()) {
    EXPECT_EQ(reason.find("crash"), std::string::npos) << reason << ": " << count;
  }
  EXPECT_EQ(report["messages"]["unaccounted"], 0);
  EXPECT_EQ(report["messages"]["never_created"], 0);
  EXPECT_GT(report["messages"]["delivered"], 0);
  EXPECT_EQ(most_acts_on_one_message(mode), 1);
}

TEST_F(Failover, FailoversReplayIdenticallyInProcess) {
  const fs::path scenario = with_standby(dir_.path(), "standby", alternating_deaths());
  const fs::path processes = run(scenario, "processes");
  const fs::path in_process = run(scenario, "in-process", {"--in-process"});
  EXPECT_EQ(comparable_report(read_json(processes / "report.json")),
            comparable_report(read_json(in_process / "report.json")));
  for (const std::string process :
       {"broker", "broker.b", "agency.aa", "agency.bb", "unit.north", "unit.south", "launcher"}) {
    const std::string trace = "coordinated/" + process + ".trace.jsonl";
    EXPECT_EQ(without_wall_ms(processes / trace), without_wall_ms(in_process / trace)) << trace;
  }
}

TEST_F(Failover, WithoutAWholeCopyTheCentreWaitsForItsOwnJournal) {
  // The passive member dies for good; the active one dies later and comes
  // back 10 h on, from its own journal: no failover, nothing lost.
  const std::string faults = "\n[[fault]]\nat_h = 30\nnode = \"broker.b\"\ncommand = \"kill\"\n" +
                             fault(50, "broker", "kill", 10);
  const fs::path out = run(with_standby(dir_.path(), "lone", faults), "run");
  const fs::path mode = out / "coordinated";
  EXPECT_EQ(count_lines(mode / "launcher.trace.jsonl", "\"kind\":\"failover\""), 0);
  EXPECT_EQ(count_lines(mode / "launcher.trace.jsonl", "\"kind\":\"standby_stopped\""), 1);
  EXPECT_EQ(count_lines(mode / "broker.trace.jsonl", "\"kind\":\"node_started\""), 2);
  EXPECT_EQ(count_lines(mode / "broker.trace.jsonl",
                        R"("t_h":60,"node":"broker","mode":"coordinated","kind":"node_started")"),
            1);  // Back 10 h after its death.
  EXPECT_FALSE(fs::exists(mode / "broker.b.trace.jsonl") &&
               count_lines(mode / "broker.b.trace.jsonl", "node_started") > 0);
  const nlohmann::json report = read_json(out / "report.json")["modes"]["coordinated"];
  EXPECT_EQ(report["lost_by_reason"].value("crash:broker", 0), 0);
  EXPECT_EQ(report["messages"]["unaccounted"], 0);
}

TEST_F(Failover, KillsOfTheActiveMemberFromOutsideLoseNothingAccepted) {
  constexpr int kKills = 20;
  const fs::path scenario = with_standby(dir_.path(), "outside", "");
  const fs::path out = dir_.path() / "run";
  // Slow enough that the kills fit in the run; a killed member comes back
  // (passive) half an hour later.
  Child launcher(
      {"run", scenario.string(), "--mode", "coordinated", "--scale", "60", "--restart-after-h",
       "0.5", "--keys", keys(scenario).string(), "--out", out.string()},
      dir_.path());
  const fs::path mode = out / "coordinated";
  const int kills = kill_centre_from_outside(mode, kKills, 11);
  EXPECT_EQ(kills, kKills) << "the run ended (or the centre did not come back) after " << kills
                           << " kills";
  const auto finished = launcher.wait(std::chrono::seconds(120));
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 0) << finished->err;
  EXPECT_GT(count_lines(mode / "launcher.trace.jsonl", "\"kind\":\"failover\""), 0);
  const nlohmann::json report = read_json(out / "report.json")["modes"]["coordinated"];
  EXPECT_EQ(report["lost_by_reason"].value("crash:broker", 0), 0) << report["lost_by_reason"];
  EXPECT_EQ(report["messages"]["unaccounted"], 0);
  EXPECT_EQ(most_acts_on_one_message(mode), 1);
}

}  // namespace
}  // namespace tearline::testing
