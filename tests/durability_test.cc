// The journal (docs/DURABILITY.md): the broker of a centre that always holds
// reports (tests/scenarios/busy_centre.toml) is SIGKILLed at 50 random
// moments of a run, by the schedule and from outside. With `journal = true`
// no message is lost to the crashes; without it the losses are named
// crash:broker. Nothing is unaccounted either way, and the journaled runs
// replay identically in process. The same holds for every kind of node in
// both modes, and for journals damaged while their node is dead.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include "tests/coordinated_runs.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kKills = 50;
// The busy centre's scenario hours.
constexpr double kDurationH = 240;

// busy_centre.toml with the journal on or off, plus `faults` (TOML).
fs::path busy_centre(const fs::path& dir, bool journal, const std::string& faults) {
  std::string text = slurp(fs::path(source_dir()) / "tests/scenarios/busy_centre.toml");
  const std::string on = "\njournal = true";
  const size_t at = text.find(on);
  EXPECT_NE(at, std::string::npos) << "busy_centre.toml no longer journals its broker";
  if (!journal && at != std::string::npos) text.replace(at, on.size(), "\njournal = false");
  const fs::path path = dir / (std::string(journal ? "journaled" : "unjournaled") +
                               std::to_string(faults.size()) + ".toml");
  std::ofstream(path) << text << faults;
  return path;
}

// kKills kills and crashes of the broker at random hours (a fixed seed, so
// the test is the same every time), each restarted half an hour later.
std::string random_kills() {
  std::mt19937_64 random(20261126);
  std::uniform_real_distribution<double> hour(1, kDurationH - 2);
  std::set<double> hours;
  while (hours.size() < kKills) {
    const double at_h = std::round(hour(random) * 1000) / 1000;
    // Each death ends before the next: restarts come 0.5 h after.
    const auto next = hours.lower_bound(at_h - 1);
    if (next == hours.end() || *next > at_h + 1) hours.insert(at_h);
  }
  std::string faults;
  int i = 0;
  for (const double at_h : hours) {
    faults += "\n[[fault]]\nat_h = " + std::to_string(at_h) + "\nnode = \"broker\"\ncommand = \"" +
              (i++ % 2 ? "crash" : "kill") + "\"\nrestart_after_h = 0.5\n";
  }
  return faults;
}

nlohmann::json coordinated_report(const fs::path& run) {
  return read_json(run / "report.json")["modes"]["coordinated"];
}

int crash_losses(const nlohmann::json& mode) {
  return mode["lost_by_reason"].value("crash:broker", 0);
}

int node_starts(const fs::path& trace) { return occurrences(slurp(trace), "\"node_started\""); }

using Durability = CoordinatedRuns;

TEST_F(Durability, FiftyScheduledKillsLoseNothingWithTheJournalAndNameTheLossesWithout) {
  const std::string kills = random_kills();
  const fs::path journaled = run(busy_centre(dir_.path(), true, kills), "journaled");
  const fs::path unjournaled = run(busy_centre(dir_.path(), false, kills), "unjournaled");

  const nlohmann::json with = coordinated_report(journaled);
  EXPECT_EQ(node_starts(journaled / "coordinated/broker.trace.jsonl"), kKills + 1);
  EXPECT_EQ(crash_losses(with), 0) << with["lost_by_reason"].dump();
  EXPECT_EQ(with["messages"]["unaccounted"], 0);
  EXPECT_EQ(with["messages"]["never_created"], 0);

  const nlohmann::json without = coordinated_report(unjournaled);
  EXPECT_GT(crash_losses(without), 0) << "the busy centre held nothing at any of its deaths";
  EXPECT_EQ(without["messages"]["unaccounted"], 0);
  // What the journal saved was served and delivered.
  EXPECT_GT(with["messages"]["delivered"], without["messages"]["delivered"]);
}

TEST_F(Durability, ScheduledKillsOfAJournaledCentreReplayIdenticallyInProcess) {
  const fs::path scenario = busy_centre(dir_.path(), true, random_kills());
  const fs::path processes = run(scenario, "processes");
  const fs::path in_process = run(scenario, "in-process", {"--in-process"});
  EXPECT_EQ(comparable_report(read_json(processes / "report.json")),
            comparable_report(read_json(in_process / "report.json")));
  for (const std::string node : {"broker", "agency.aa", "agency.bb", "unit.north", "unit.south"}) {
    const std::string trace = "coordinated/" + node + ".trace.jsonl";
    EXPECT_EQ(without_wall_ms(processes / trace), without_wall_ms(in_process / trace)) << trace;
  }
}

// Losses with reason crash:<node> traced in the mode folder `mode_dir` (by
// the senders of messages that were on their way to a node when it died).
int traced_crash_losses(const fs::path& mode_dir) {
  int losses = 0;
  for (const auto& entry : fs::directory_iterator(mode_dir)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::istringstream lines(slurp(entry.path()));
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"kind\":\"lost\"") != std::string::npos &&
          line.find("\"reason\":\"crash:") != std::string::npos) {
        ++losses;
      }
    }
  }
  return losses;
}

// small.toml with every node journaled (or none), and 20 kills and crashes
// spread over its agencies, units and centre, each restarted an hour later.
fs::path small_with_kills_of_every_node(const fs::path& dir, bool journal) {
  std::string text = slurp(fs::path(source_dir()) / "scenarios/small.toml");
  const std::string flag = journal ? "journal = true\n" : "journal = false\n";
  for (const std::string table : {"[[agency]]\n", "[[unit]]\n", "[broker]\n"}) {
    for (size_t at = text.find(table); at != std::string::npos; at = text.find(table, at + 1)) {
      text.insert(at + table.size(), flag);
    }
  }
  const std::string nodes[] = {"agency.aa", "agency.bb", "unit.north", "unit.south", "broker"};
  for (int i = 0; i < 20; ++i) {
    text += "\n[[fault]]\nat_h = " + std::to_string(5.5 + 11.0 * i) + "\nnode = \"" + nodes[i % 5] +
            "\"\ncommand = \"" + (i % 2 ? "crash" : "kill") + "\"\nrestart_after_h = 1\n";
  }
  const fs::path path = dir / (journal ? "small-journaled.toml" : "small-unjournaled.toml");
  std::ofstream(path) << text;
  return path;
}

TEST_F(Durability, AJournalKeepsWhatAnyNodeHeldInBothModes) {
  const fs::path journaled = small_with_kills_of_every_node(dir_.path(), true);
  const fs::path processes = run_both_modes(journaled, "processes");
  const fs::path in_process = run_both_modes(journaled, "in-process", {"--in-process"});
  const fs::path unjournaled =
      run_both_modes(small_with_kills_of_every_node(dir_.path(), false), "unjournaled");
  int losses_without = 0;
  for (const std::string mode : {"bilateral", "coordinated"}) {
    // With the journal, the only crash losses are messages that never got to
    // the dead node (untracked, on their way when it died): traced by their
    // living senders. None is one a dead node held, which the report would
    // add.
    const nlohmann::json with = read_json(processes / "report.json")["modes"][mode];
    int crash_losses_with = 0;
    for (const auto& [reason, count] : with["lost_by_reason"].items()) {
      EXPECT_EQ(reason.rfind("crash:", 0), 0u) << mode << ": " << reason;
      crash_losses_with += count.get<int>();
    }
    EXPECT_EQ(crash_losses_with, traced_crash_losses(processes / mode)) << mode;
    EXPECT_EQ(with["messages"]["unaccounted"], 0) << mode;
    // Without it, the dead nodes' holdings are lost too.
    const nlohmann::json without = read_json(unjournaled / "report.json")["modes"][mode];
    EXPECT_EQ(without["messages"]["unaccounted"], 0) << mode;
    for (const auto& [reason, count] : without["lost_by_reason"].items()) {
      EXPECT_EQ(reason.rfind("crash:", 0), 0u) << mode << ": " << reason;
      losses_without += count.get<int>();
    }
    losses_without -= traced_crash_losses(unjournaled / mode);
  }
  EXPECT_GT(losses_without, 0) << "no kill found anything held";
  // The same lines, node by node, in separate processes and in process.
  for (const auto& entry : fs::recursive_directory_iterator(processes)) {
    if (entry.path().extension() != ".jsonl") continue;
    const fs::path relative = fs::relative(entry.path(), processes);
    EXPECT_EQ(without_wall_ms(entry.path()), without_wall_ms(in_process / relative)) << relative;
  }
}

// Chaos seed 1 on the default scenario (journaled centre and agencies):
// kills, crashes and stops overlap, and a unit receives deliveries from a
// centre that is down. One fate per message all the same: such attempts are
// refused (sender-down) and resent once the centre is back.
TEST_F(Durability, OverlappingFaultsOnJournaledNodesLeaveOneFatePerMessage) {
  const fs::path scenario = fs::path(source_dir()) / "scenarios/manchester-2017.toml";
  const fs::path out = run_both_modes(scenario, "chaos", {"--chaos", "1"});
  for (const std::string mode : {"bilateral", "coordinated"}) {
    const nlohmann::json report = read_json(out / "report.json")["modes"][mode];
    EXPECT_EQ(report["messages"]["unaccounted"], 0) << mode;
  }
  int refused = 0;
  for (const auto& entry : fs::directory_iterator(out / "coordinated")) {
    refused += occurrences(slurp(entry.path()), "\"sender-down\"");
  }
  EXPECT_GT(refused, 0) << "no delivery met a centre that was down: the test shows nothing";
}

// SIGKILLs the broker kKills times from outside a paced run (restarted by
// --restart-after-h), each at a random moment after its process started.
// Returns the run folder and the launcher's exit code.
std::pair<fs::path, int> kill_from_outside(const fs::path& scenario, const fs::path& keys,
                                           const fs::path& dir, const std::string& name) {
  const fs::path run = dir / name;
  // Slow enough that kKills kills fit in the run.
  Child launcher({"run", scenario.string(), "--mode", "coordinated", "--scale", "80",
                  "--restart-after-h", "0.5", "--keys", keys.string(), "--out", run.string()},
                 dir);
  const fs::path mode_dir = run / "coordinated";
  const int kills = kill_centre_from_outside(mode_dir, kKills, 7);
  EXPECT_EQ(kills, kKills) << "the run ended (or the broker did not come back) after " << kills
                           << " kills";
  const auto finished = launcher.wait(std::chrono::seconds(120));
  EXPECT_TRUE(finished.has_value());
  return {run, finished ? finished->exit_code : -1};
}

TEST_F(Durability, FiftyKillsFromOutsideLoseNothingWithTheJournalAndNameTheLossesWithout) {
  const fs::path journaled_scenario = busy_centre(dir_.path(), true, "");
  const auto [journaled, journaled_exit] =
      kill_from_outside(journaled_scenario, keys(journaled_scenario), dir_.path(), "journaled");
  EXPECT_EQ(journaled_exit, 0);
  const nlohmann::json with = coordinated_report(journaled);
  EXPECT_EQ(crash_losses(with), 0) << with["lost_by_reason"].dump();
  EXPECT_EQ(with["messages"]["unaccounted"], 0);

  const fs::path unjournaled_scenario = busy_centre(dir_.path(), false, "");
  const auto [unjournaled, unjournaled_exit] = kill_from_outside(
      unjournaled_scenario, keys(unjournaled_scenario), dir_.path(), "unjournaled");
  const nlohmann::json without = coordinated_report(unjournaled);
  EXPECT_GT(crash_losses(without), 0);
  // Without a journal a kill that comes before ZeroMQ has written out what
  // the centre sent for a report it served (its acknowledgement among it)
  // makes the agency send the report again, and the restarted centre,
  // remembering nothing, serves it a second time. The report names that
  // (served_again_without_journal) and counts the report delivered once:
  // nothing is unaccounted either way.
  EXPECT_EQ(without["messages"]["unaccounted"], 0) << without["unaccounted_messages"].dump();
  EXPECT_TRUE(without["messages"].contains("served_again_without_journal"));
  EXPECT_EQ(unjournaled_exit, 0);
}

// A journaled centre killed at 30 h and restarted at 70 h, paced so that
// the test can damage its journal while it is dead. Returns the launcher.
class DamagedJournal : public Durability {
 protected:
  static constexpr const char* kKill =
      "\n[[fault]]\nat_h = 30\nnode = \"broker\"\ncommand = \"kill\"\nrestart_after_h = 40\n";

  // Runs the scenario, calls `damage` on the broker's journal once the
  // broker is dead, and returns how the run ended.
  Finished run_damaging(const fs::path& scenario, const std::string& name,
                        const std::function<void(const fs::path&)>& damage) {
    const fs::path out = dir_.path() / name;
    Child launcher({"run", scenario.string(), "--mode", "coordinated", "--scale", "40", "--keys",
                    keys(scenario).string(), "--out", out.string()},
                   dir_.path());
    const fs::path launcher_trace = out / "coordinated/launcher.trace.jsonl";
    const bool dead = eventually(
        [&] {
          return fs::exists(launcher_trace) &&
                 slurp(launcher_trace).find("\"node_stopped\"") != std::string::npos;
        },
        std::chrono::seconds(60));
    EXPECT_TRUE(dead) << "the broker was not killed";
    damage(out / "coordinated/broker.journal");
    const auto finished = launcher.wait(std::chrono::seconds(120));
    if (!finished) ADD_FAILURE() << "the run did not end";
    return finished.value_or(Finished{});
  }
};

TEST_F(DamagedJournal, ATornLastRecordIsIgnoredAndTheRunIsAsIfUndamaged) {
  const fs::path scenario = busy_centre(dir_.path(), true, kKill);
  const fs::path reference = run(scenario, "reference");
  const Finished damaged = run_damaging(scenario, "torn", [](const fs::path& journal) {
    // The first bytes of a record whose write was cut: a length of 100 and
    // 20 bytes of its payload.
    std::ofstream out(journal, std::ios::binary | std::ios::app);
    const char header[8] = {100, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
    out.write(header, sizeof header);
    out << std::string(20, 'x');
  });
  EXPECT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_EQ(comparable_report(read_json(dir_.path() / "torn/report.json")),
            comparable_report(read_json(reference / "report.json")));
  EXPECT_NE(slurp(dir_.path() / "torn/coordinated/broker.log").find("recovered from its journal"),
            std::string::npos);
}

TEST_F(DamagedJournal, ACorruptedRecordBeforeTheEndFailsTheRestartNamingTheJournal) {
  const fs::path scenario = busy_centre(dir_.path(), true, kKill);
  const Finished damaged = run_damaging(scenario, "corrupted", [](const fs::path& journal) {
    std::fstream file(journal, std::ios::binary | std::ios::in | std::ios::out);
    const auto middle = static_cast<std::streamoff>(fs::file_size(journal) / 2);
    file.seekg(middle);
    const char byte = static_cast<char>(file.get());
    file.seekp(middle);
    file.put(static_cast<char>(byte ^ 0x20));
  });
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.err.find("broker.journal is corrupted at byte"), std::string::npos)
      << damaged.err;
  // What the others held is still accounted for.
  const nlohmann::json report = coordinated_report(dir_.path() / "corrupted");
  EXPECT_EQ(report["messages"]["unaccounted"], 0);
}

// A restarted node is resent to at once by its peers (peer_up): the time
// authority must count that before it lets the node run past those frames'
// arrival, or the run depends on when the bytes come. Paced and in process,
// the same lines.
TEST_F(DamagedJournal, ARestartReplaysTheSameAtAnyPace) {
  const fs::path scenario = busy_centre(dir_.path(), true, kKill);
  const fs::path paced = dir_.path() / "paced";
  const Finished finished =
      run_tearline({"run", scenario.string(), "--mode", "coordinated", "--quiet", "--scale", "40",
                    "--keys", keys(scenario).string(), "--out", paced.string()},
                   dir_.path(), std::chrono::seconds(240));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  const fs::path in_process = run(scenario, "in-process", {"--in-process"});
  for (const std::string node : {"broker", "agency.aa", "agency.bb", "unit.north", "unit.south"}) {
    const std::string trace = "coordinated/" + node + ".trace.jsonl";
    EXPECT_EQ(without_wall_ms(paced / trace), without_wall_ms(in_process / trace)) << trace;
  }
}

}  // namespace
}  // namespace tearline::testing
