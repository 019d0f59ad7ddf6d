// The four cases from public inquiry records (scenarios/README.md, "Cases"):
// for seeds 1 to 5, each run in process, every plot has the outcome per mode
// that the case documents, for the reason it documents, and every message is
// accounted for. One ctest entry per case, so they run in parallel.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/child.h"

namespace tearline::testing {
namespace {

// Where a plot not averted is documented to fail: an entry of the plot's
// `list` in report.json whose `field` contains `value`.
struct Failure {
  std::string list;
  std::string field;
  std::string value;
};

struct ModeOutcome {
  bool averted = false;
  std::vector<Failure> failures;  // Checked only when not averted.
};

struct Case {
  std::string name;  // scenarios/<name>.toml
  // Plot id -> mode -> outcome: every plot of the scenario, both modes.
  std::map<std::string, std::map<std::string, ModeOutcome>> plots;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"boston-2013",
       {{"plot.boston-2013-04-15",
         {// Thin copies to the domestic service; the full one to the watchlist.
          {"bilateral", {false, {{"degraded_at", "handoff", "sharing@agency.ru"}}}},
          {"coordinated", {true, {}}}}}}},
      {"brussels-2016",
       {{"plot.brussels-2016-03-22",
         {{"bilateral", {false, {{"lost_at", "reason", "liaison-not-passed-on"}}}},
          {"coordinated", {true, {}}}}}}},
      {"paris-2015",
       {{"plot.paris-2015-11-13",
         {// The notes expire unread; through the centre they arrive, too thin.
          {"bilateral", {false, {{"lost_at", "handoff", "database@agency.fr"}}}},
          {"coordinated", {false, {{"warnings_not_actionable", "msg", "tr-paris"}}}}}}}},
      {"berlin-2016",
       {{"plot.berlin-2016-12-19",
         {{"bilateral", {false, {{"degraded_at", "handoff", "sharing@agency.ma"}}}},
          // The weak centre leaves the actionable warning to expire.
          {"coordinated", {false, {{"lost_at", "handoff", "officers@broker"}}}}}}}},
  };
  return all;
}

// Test names and failure messages name the case, not its bytes.
void PrintTo(const Case& printed, std::ostream* out) { *out << printed.name; }

bool has_entry(const nlohmann::json& plot, const Failure& failure) {
  for (const auto& entry : plot.value(failure.list, nlohmann::json::array())) {
    const std::string text = entry.value(failure.field, "");
    if (text.find(failure.value) != std::string::npos) return true;
  }
  return false;
}

class CaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(CaseTest, SameDocumentedOutcomeForSeedsOneToFive) {
  const Case& tested = GetParam();
  for (int seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(tested.name + " seed " + std::to_string(seed));
    TempDir dir;
    const auto run = dir.path() / "run";
    const Finished finished = run_tearline(
        {"run", source_dir() + "/scenarios/" + tested.name + ".toml", "--in-process", "--seed",
         std::to_string(seed), "--scale", "0", "--out", run.string(), "--quiet", "--no-html"},
        dir.path(), std::chrono::seconds(60));
    ASSERT_EQ(finished.exit_code, 0) << finished.err;
    const auto report = read_json(run / "report.json");
    ASSERT_EQ(report["modes"].size(), 2u);
    for (const auto& [mode, mode_report] : report["modes"].items()) {
      EXPECT_EQ(mode_report["messages"]["unaccounted"].get<int>(), 0) << mode;
      ASSERT_EQ(mode_report["plots"].size(), tested.plots.size()) << mode;
      for (const auto& plot : mode_report["plots"]) {
        const std::string id = plot["id"].get<std::string>();
        ASSERT_TRUE(tested.plots.count(id)) << "no outcome pinned for " << id;
        const ModeOutcome& expected = tested.plots.at(id).at(mode);
        EXPECT_EQ(plot["averted"].get<bool>(), expected.averted) << id << ", " << mode;
        if (expected.averted) continue;
        for (const Failure& failure : expected.failures) {
          EXPECT_TRUE(has_entry(plot, failure))
              << id << ", " << mode << ": no " << failure.list << " entry with " << failure.field
              << " " << failure.value;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, CaseTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           std::string name = param_info.param.name;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace tearline::testing
