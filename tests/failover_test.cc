// The centre's hot standby (docs/DURABILITY.md, "Hot standby"): the busy
// centre of tests/scenarios/busy_centre.toml runs with a standby, and its
// members are killed and crashed while active and while passive. Every
// death of the active member is followed by a failover to the passive one,
// nothing the centre accepted is lost, no unit acts twice on one message,
// the run exits 0, and the same schedule replays identically in process.
// The same holds for manchester-2017-centre-down, its active member killed
// from outside before and after the scenario's fail-back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <thread>

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

// The scenario hour of the last whole line of a trace file, or -1.
double last_hour_of(const fs::path& trace) {
  constexpr std::streamoff kTailBytes = 4096;
  std::ifstream in(trace, std::ios::binary | std::ios::ate);
  if (!in) return -1;
  const std::streamoff size = in.tellg();
  in.seekg(std::max<std::streamoff>(0, size - kTailBytes));
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  tail.resize(tail.rfind('\n') == std::string::npos ? 0 : tail.rfind('\n') + 1);
  if (tail.size() < 2) return -1;
  static const std::regex hour(R"re("t_h":(-?[0-9.e+-]+))re");
  const size_t line_start = tail.rfind('\n', tail.size() - 2);
  std::smatch match;
  const std::string line = tail.substr(line_start == std::string::npos ? 0 : line_start + 1);
  return std::regex_search(line, match, hour) ? std::stod(match[1]) : -1;
}

// The member hosting the centre "broker" now (nodes.json), or "".
std::string centre_host(const fs::path& mode_dir) {
  nlohmann::json nodes;
  try {
    nodes = read_json(mode_dir / "nodes.json");
  } catch (const std::exception&) {
    return "";  // Being written.
  }
  for (const auto& node : nodes["nodes"]) {
    if (node["name"] == "broker") return node.value("hosted_by", std::string("broker"));
  }
  return "";
}

// The size of a file, or 0.
uintmax_t size_of(const fs::path& file) {
  std::error_code error;
  const uintmax_t size = fs::file_size(file, error);
  return error ? 0 : size;
}

// Waits (bounded) until `file` is no longer `size` bytes long.
void await_growth(const fs::path& file, uintmax_t size) {
  constexpr auto kStep = std::chrono::microseconds(20);
  constexpr int kStepsMax = 100'000;  // Seconds: far more than a window takes.
  for (int step = 0; step < kStepsMax && size_of(file) == size; ++step) {
    std::this_thread::sleep_for(kStep);
  }
}

// SIGKILLs the process hosting the centre of the live run in `mode_dir`
// once its trace has passed each of `hours` (ascending), just after it next
// commits a window: its trace grows (made durable), then its journal (the
// commit record). That is when a death from outside is hardest on the
// accounting: what the window sent waits until the passive member's copy
// holds the commit, which it may not yet. Returns the member killed and the
// hour its trace showed, for each kill done (fewer if the run ended first).
std::vector<std::pair<std::string, double>> kill_centre_at_hours(const fs::path& mode_dir,
                                                                 const std::vector<double>& hours) {
  std::vector<std::pair<std::string, double>> kills;
  pid_t last_killed = 0;
  for (const double at_h : hours) {
    pid_t pid = 0;
    std::string host;
    const bool reached = eventually(
        [&] {
          host = centre_host(mode_dir);
          pid = centre_pid(mode_dir);
          if (host.empty() || pid == 0 || pid == last_killed || !process_alive(pid)) return false;
          return last_hour_of(mode_dir / (host + ".trace.jsonl")) >= at_h;
        },
        std::chrono::seconds(60));
    if (!reached) break;
    const fs::path trace = mode_dir / (host + ".trace.jsonl");
    await_growth(trace, size_of(trace));
    const fs::path journal = mode_dir / (host + ".journal");
    await_growth(journal, size_of(journal));
    if (kill(pid, SIGKILL) != 0) break;
    last_killed = pid;
    kills.emplace_back(host, last_hour_of(trace));
  }
  return kills;
}

// The scenario's fail-back: the standby broker.b is stopped at this hour
// (2017-05-09T03:00Z), the primary takes over 0.25 h later.
constexpr double kFailBackH = 1323;
constexpr double kCentreDownDurationH = 1896;

// Runs manchester-2017-centre-down paced (--scale 2, a killed member back
// 0.5 h later) into <dir>/<name>, killing its active centre member from
// outside once each of `hours` has passed, and checks the accounting: no
// crash:broker loss, no message with two fates, no unit acting twice, exit 0.
void expect_kills_of_the_centre_lose_nothing(const fs::path& dir, const fs::path& keys,
                                             const std::string& name,
                                             const std::vector<double>& hours) {
  const fs::path scenario = fs::path(source_dir()) / "scenarios/manchester-2017-centre-down.toml";
  const fs::path out = dir / name;
  Child launcher({"run", scenario.string(), "--mode", "coordinated", "--scale", "2",
                  "--restart-after-h", "0.5", "--keys", keys.string(), "--out", out.string()},
                 dir);
  const fs::path mode = out / "coordinated";
  const auto kills = kill_centre_at_hours(mode, hours);
  std::string done;
  for (const auto& [member, hour] : kills) done += " " + member + "@" + std::to_string(hour);
  EXPECT_EQ(kills.size(), hours.size()) << name << ": the run ended after the kills" << done;
  const auto finished = launcher.wait(std::chrono::seconds(120));
  ASSERT_TRUE(finished.has_value()) << name;
  EXPECT_EQ(finished->exit_code, 0) << name << ", kills" << done << ": " << finished->err;
  const nlohmann::json report = read_json(out / "report.json")["modes"]["coordinated"];
  EXPECT_EQ(report["lost_by_reason"].value("crash:broker", 0), 0)
      << name << ", kills" << done << ": " << report["lost_by_reason"];
  EXPECT_EQ(report["messages"]["unaccounted"], 0)
      << name << ", kills" << done << ": " << report["unaccounted_messages"];
  EXPECT_EQ(most_acts_on_one_message(mode), 1) << name << ", kills" << done;
}

// A few kills in one run, at least two after the fail-back, from a fixed
// seed. TEARLINE_CENTRE_KILL_RUNS=N (scripts/centre-kills) runs N runs
// instead, one kill each at a random hour (seed TEARLINE_CENTRE_KILL_SEED).
TEST_F(Failover, KillsFromOutsideBeforeAndAfterTheFailBackLoseNothing) {
  const fs::path scenario = fs::path(source_dir()) / "scenarios/manchester-2017-centre-down.toml";
  const char* runs_text = std::getenv("TEARLINE_CENTRE_KILL_RUNS");
  const char* seed_text = std::getenv("TEARLINE_CENTRE_KILL_SEED");
  const uint64_t seed = seed_text ? std::strtoull(seed_text, nullptr, 10) : 20261207;
  std::mt19937_64 random(seed);
  if (runs_text == nullptr) {
    std::uniform_real_distribution<double> before(24, kFailBackH - 120);
    std::uniform_real_distribution<double> after(kFailBackH + 24, kCentreDownDurationH - 24);
    std::vector<double> hours = {before(random), after(random), after(random)};
    std::sort(hours.begin(), hours.end());
    if (hours[2] - hours[1] < 24) hours[1] = hours[2] - 24;  // Each death over before the next.
    std::printf("seed %llu, kills at hours %.1f %.1f %.1f\n", static_cast<unsigned long long>(seed),
                hours[0], hours[1], hours[2]);
    std::fflush(stdout);  // Before the launcher's fork copies the buffer.
    expect_kills_of_the_centre_lose_nothing(dir_.path(), keys(scenario), "kills", hours);
    return;
  }
  const int runs = std::atoi(runs_text);
  std::uniform_real_distribution<double> hour(24, kCentreDownDurationH - 24);
  for (int i = 0; i < runs; ++i) {
    const double at_h = hour(random);
    std::printf("seed %llu, run %d: kill at hour %.1f\n", static_cast<unsigned long long>(seed), i,
                at_h);
    std::fflush(stdout);
    expect_kills_of_the_centre_lose_nothing(dir_.path(), keys(scenario), "run" + std::to_string(i),
                                            {at_h});
    fs::remove_all(dir_.path() / ("run" + std::to_string(i)));
  }
}

}  // namespace
}  // namespace tearline::testing
