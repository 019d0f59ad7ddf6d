// The determinism contract (sync/DESIGN.md): for the same scenario, seed and
// fault schedule, report.json is the same at any pace, under load and across
// runs, once its wall-clock parts are removed, and every trace file is the
// same line by line but for wall_ms. Runs compared line by line share one key
// set (`--keys`), as the sources' sealed tokens and pseudonyms depend on the
// keys; with fresh keys the report is still the same.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

// Every trace file of a run, by path within the run, without wall_ms (and,
// if asked, without the sources' sealed tokens and pseudonyms).
std::map<std::string, std::string> traces_of(const fs::path& run, bool without_sources = false) {
  static const std::regex wall(R"("wall_ms":-?\d+,?)");
  static const std::regex source(R"("source":"(sealed:|ps-)[0-9a-f]+")");
  std::map<std::string, std::string> traces;
  for (const auto& entry : fs::recursive_directory_iterator(run)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::string text = std::regex_replace(slurp(entry.path()), wall, "");
    if (without_sources) text = std::regex_replace(text, source, R"("source":"$1")");
    traces[fs::relative(entry.path(), run).string()] = text;
  }
  return traces;
}

// The key set of `dir`'s runs, made once.
fs::path keys_for(const fs::path& scenario, const fs::path& dir) {
  const fs::path keys = dir / "keys";
  if (!fs::exists(keys)) {
    const Finished made =
        run_tearline({"keys", scenario.string(), keys.string()}, dir, std::chrono::seconds(30));
    EXPECT_EQ(made.exit_code, 0) << made.err;
  }
  return keys;
}

fs::path run_with(const fs::path& scenario, const fs::path& dir, const std::string& name,
                  std::vector<std::string> options) {
  const fs::path run = dir / name;
  std::vector<std::string> args = {"run", scenario.string(), "--out", run.string(), "--quiet"};
  args.insert(args.end(), options.begin(), options.end());
  const Finished finished = run_tearline(args, dir, std::chrono::seconds(240));
  EXPECT_EQ(finished.exit_code, 0) << name << ": " << finished.err;
  return run;
}

fs::path run_at(const fs::path& scenario, const fs::path& dir, const std::string& name,
                const std::string& scale) {
  return run_with(scenario, dir, name,
                  {"--scale", scale, "--keys", keys_for(scenario, dir).string()});
}

void expect_same_run(const fs::path& expected, const fs::path& actual,
                     bool without_sources = false) {
  const nlohmann::json expected_report = read_json(expected / "report.json");
  const nlohmann::json actual_report = read_json(actual / "report.json");
  EXPECT_EQ(comparable_report(expected_report), comparable_report(actual_report)) << actual;
  for (const auto& [mode, report] : actual_report["modes"].items()) {
    EXPECT_EQ(report["messages"]["unaccounted"].get<int>(), 0) << actual << " " << mode;
  }
  const auto expected_traces = traces_of(expected, without_sources);
  const auto actual_traces = traces_of(actual, without_sources);
  ASSERT_EQ(expected_traces.size(), actual_traces.size()) << actual;
  for (const auto& [file, text] : expected_traces) {
    ASSERT_TRUE(actual_traces.contains(file)) << file;
    EXPECT_TRUE(actual_traces.at(file) == text) << actual / file << " differs from " << file;
  }
}

// Two processes that keep both CPUs busy until destroyed.
class CpuHogs {
 public:
  CpuHogs() {
    for (pid_t& pid : pids_) {
      pid = fork();
      if (pid == 0) {
        volatile uint64_t spin = 0;
        for (;;) spin = spin + 1;
      }
    }
  }
  ~CpuHogs() {
    for (const pid_t pid : pids_) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }

 private:
  pid_t pids_[2] = {};
};

TEST(Determinism, EveryFaultKindGivesTheSameRunAtEveryPaceAndUnderLoad) {
  TempDir dir;
  const fs::path scenario = small_with_every_fault_kind(dir.path());
  const fs::path reference = run_at(scenario, dir.path(), "reference", "0");
  const nlohmann::json report = read_json(reference / "report.json");
  // The schedule did happen: a crash and a kill, each restarted.
  EXPECT_FALSE(report["modes"]["coordinated"]["faults"].empty());
  expect_same_run(reference, run_at(scenario, dir.path(), "again", "0"));
  expect_same_run(reference, run_at(scenario, dir.path(), "quarter", "0.25"));
  expect_same_run(reference, run_at(scenario, dir.path(), "paced", "4"));
  CpuHogs hogs;
  expect_same_run(reference, run_at(scenario, dir.path(), "loaded", "0"));
}

fs::path run_in_process(const fs::path& scenario, const fs::path& dir, const std::string& name) {
  return run_with(scenario, dir, name,
                  {"--in-process", "--scale", "0", "--keys", keys_for(scenario, dir).string()});
}

// Keys are random, never derived from the seed; no decision depends on a
// pseudonym's value, so fresh keys change the tokens and nothing else.
TEST(Determinism, FreshKeysGiveTheSameReportAndOtherTokens) {
  TempDir dir;
  const fs::path scenario = source_dir() + "/scenarios/small.toml";
  const fs::path first = run_with(scenario, dir.path(), "first", {"--scale", "0"});
  const fs::path second = run_with(scenario, dir.path(), "second", {"--scale", "0"});
  expect_same_run(first, second, /*without_sources=*/true);
  const std::string broker = "coordinated/broker.trace.jsonl";
  ASSERT_NE(slurp(first / broker).find(R"("source":"ps-)"), std::string::npos);
  EXPECT_NE(traces_of(first).at(broker), traces_of(second).at(broker));
}

// The in-process reference run is the oracle of the multi-process runtime.
TEST(Determinism, TheInProcessRunAgreesWithTheProcessesWithEveryFaultKind) {
  TempDir dir;
  const fs::path scenario = small_with_every_fault_kind(dir.path());
  expect_same_run(run_at(scenario, dir.path(), "processes", "0"),
                  run_in_process(scenario, dir.path(), "in-process"));
}

TEST(Determinism, TheInProcessRunAgreesWithTheProcessesOnEveryShippedScenario) {
  for (const auto& entry : fs::directory_iterator(source_dir() + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    TempDir dir;
    expect_same_run(run_at(entry.path(), dir.path(), "processes", "0"),
                    run_in_process(entry.path(), dir.path(), "in-process"));
  }
}

// A unit SIGSTOPped while a tracked warning reaches it, and continued just
// before the warning's delivery deadline: its acknowledgement could not be
// back in time, so the unit does not take it in and the broker's
// "deadline:unacknowledged" is its one fate.
TEST(Determinism, ASigcontJustBeforeAResendDeadlineLeavesOneFatePerMessage) {
  TempDir dir;
  const fs::path plain = run_at(source_dir() + "/scenarios/small.toml", dir.path(), "plain", "0");
  // The first warning the broker sent unit.south, and when.
  std::optional<double> sent_h;
  std::string message;
  std::istringstream broker(slurp(plain / "coordinated" / "broker.trace.jsonl"));
  for (std::string line; std::getline(broker, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["kind"] == "sent" && event.value("peer", "") == "unit.south") {
      sent_h = event["t_h"].get<double>();
      message = event["msg"];
      break;
    }
  }
  ASSERT_TRUE(sent_h.has_value());
  const double deadline_h = *sent_h + 48;  // small.toml: delivery_deadline_h.
  const fs::path scenario = dir.path() / "aimed.toml";
  std::ofstream(scenario) << slurp(source_dir() + "/scenarios/small.toml") << "\n"
                          << "[[fault]]\nat_h = " << *sent_h << "\nnode = \"unit.south\"\n"
                          << "command = \"stop\"\nfor_h = " << (deadline_h - 0.02 - *sent_h)
                          << "\n";
  const fs::path aimed = run_at(scenario, dir.path(), "aimed", "0");
  const nlohmann::json report = read_json(aimed / "report.json");
  EXPECT_EQ(report["modes"]["coordinated"]["messages"]["unaccounted"].get<int>(), 0);
  size_t terminal = 0;
  bool deadline_loss = false;
  for (const fs::path& file : {aimed / "coordinated" / "broker.trace.jsonl",
                               aimed / "coordinated" / "unit.south.trace.jsonl"}) {
    std::istringstream trace(slurp(file));
    for (std::string line; std::getline(trace, line);) {
      const nlohmann::json event = nlohmann::json::parse(line);
      if (event.value("msg", "") != message) continue;
      const std::string kind = event["kind"];
      if (kind == "delivered" || kind == "lost") ++terminal;
      if (kind == "lost" && event.value("reason", "") == "deadline:unacknowledged") {
        deadline_loss = true;
      }
    }
  }
  EXPECT_EQ(terminal, 1u) << message;
  EXPECT_TRUE(deadline_loss) << message;
  // And the same schedule replays exactly.
  expect_same_run(aimed, run_at(scenario, dir.path(), "aimed-again", "0"));
}

}  // namespace
}  // namespace tearline::testing
