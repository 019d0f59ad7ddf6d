// Faults aimed at intelligence in real runs of manchester-2017 (seed 1,
// coordinated): the US insider report lost at agency.us's desk, before the
// agency sends it to the centre, leaves Manchester not averted, and the
// report's FAULTS section charges the fault with the loss and the plot; the
// same in processes; and the fault replayed from agency.us's journal when
// the agency dies with the report on its desk. (`tearline fault` aiming at
// a live run's intelligence: fault_test.cc.)
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kPlot[] = "plot.manchester-2017-05-22";
constexpr char kLose[] = R"(
[[fault]]
at_h = 0
node = "agency.us"
command = "lose"
report = "us-manchester-1"
)";
// The report reaches agency.us's desk at 15:00 and leaves it no earlier
// than 15:30: the fault is given at 15:10, the agency dies at 15:20.
constexpr char kLoseThenCrash[] = R"(
[[fault]]
at = 2017-05-06T15:10:00Z
node = "agency.us"
command = "lose"
report = "us-manchester-1"

[[fault]]
at = 2017-05-06T15:20:00Z
node = "agency.us"
command = "crash"
restart_after_h = 0.05
)";

class IntelFaultTest : public ::testing::Test {
 protected:
  // Runs manchester-2017 with `faults` appended, coordinated, seed 1; the
  // run's folder.
  fs::path run(const std::string& name, const std::string& faults, bool in_process = true) {
    const fs::path scenario = dir_.path() / (name + ".toml");
    std::ofstream(scenario) << slurp(fs::path(source_dir()) / "scenarios/manchester-2017.toml")
                            << faults;
    const fs::path out = dir_.path() / name;
    std::vector<std::string> args = {
        "run", scenario.string(), "--mode",     "coordinated", "--seed",   "1", "--scale",
        "0",   "--out",           out.string(), "--quiet",     "--no-html"};
    if (in_process) args.push_back("--in-process");
    const Finished finished = run_tearline(args, dir_.path(), std::chrono::seconds(240));
    EXPECT_EQ(finished.exit_code, 0) << finished.err;
    return out;
  }

  static nlohmann::json mode_of(const fs::path& out) {
    return read_json(out / "report.json")["modes"]["coordinated"];
  }

  static bool averted(const nlohmann::json& mode) {
    for (const nlohmann::json& plot : mode["plots"]) {
      if (plot["id"] == kPlot) return plot.value("averted", false);
    }
    ADD_FAILURE() << "no " << kPlot << " in " << mode["plots"].dump();
    return false;
  }

  // The report's entry for the fault named `fault`.
  static nlohmann::json fault_of(const nlohmann::json& mode, const std::string& fault) {
    for (const nlohmann::json& entry : mode.value("faults", nlohmann::json::array())) {
      if (entry["fault"] == fault) return entry;
    }
    ADD_FAILURE() << "no fault " << fault << " in " << mode.value("faults", nlohmann::json());
    return {};
  }

  TempDir dir_;
};

TEST_F(IntelFaultTest, LosingTheUsInsiderReportAtItsDeskLeavesManchesterNotAverted) {
  ASSERT_TRUE(averted(mode_of(run("without", ""))));
  const fs::path out = run("lose", kLose);
  const nlohmann::json mode = mode_of(out);
  EXPECT_FALSE(averted(mode));
  const nlohmann::json fault = fault_of(mode, "lose report us-manchester-1");
  EXPECT_EQ(fault["node"], "agency.us");
  EXPECT_EQ(fault["by"], "schedule");
  EXPECT_EQ(fault["lost"]["fault:lost"], 1);
  EXPECT_EQ(fault["plots"], nlohmann::json::array({kPlot}));
  EXPECT_TRUE(mode.value("anomalies", nlohmann::json::array()).empty()) << mode["anomalies"];

  const std::string text = slurp(out / "report.txt");
  const size_t faults = text.find("FAULTS, coordinated");
  ASSERT_NE(faults, std::string::npos) << text;
  const size_t row = text.find("lose report us-manchester-1", faults);
  ASSERT_NE(row, std::string::npos) << text;
  const std::string line = text.substr(row, text.find('\n', row) - row);
  EXPECT_NE(line.find(kPlot), std::string::npos) << line;
  // The fault's sentence in words says what became of the plot it touched
  // (its lines wrapped: read with the wrapping undone).
  std::string words;
  for (const char c : text.substr(0, faults)) {
    if (c != '\n' && (c != ' ' || words.empty() || words.back() != ' ')) words += c;
    if (c == '\n' && !words.empty() && words.back() != ' ') words += ' ';
  }
  EXPECT_NE(words.find(std::string("lose report us-manchester-1 by schedule")), std::string::npos)
      << words;
  EXPECT_NE(words.find(std::string("it touched ") + kPlot + " (not averted)"), std::string::npos)
      << words;
}

TEST_F(IntelFaultTest, InProcessesTheRunIsTheSame) {
  const nlohmann::json in_process = mode_of(run("here", kLose));
  const nlohmann::json in_processes = mode_of(run("apart", kLose, false));
  EXPECT_FALSE(averted(in_processes));
  EXPECT_EQ(fault_of(in_processes, "lose report us-manchester-1"),
            fault_of(in_process, "lose report us-manchester-1"));
}

TEST_F(IntelFaultTest, AJournaledAgencyReplaysTheFaultAfterACrash) {
  const nlohmann::json mode = mode_of(run("crash", kLoseThenCrash));
  EXPECT_FALSE(averted(mode));
  EXPECT_EQ(fault_of(mode, "lose report us-manchester-1")["lost"]["fault:lost"], 1);
}

}  // namespace
}  // namespace tearline::testing
