// The default scenario's claim, over seeds 1 to 5: the Manchester plot is
// averted through the coordination centre and not through bilateral sharing,
// and bilateral sharing in full with a database that keeps up averts it too.
// Every run accounts for every message.
#include <gtest/gtest.h>

#include <map>

#include "tests/child.h"

namespace tearline::testing {
namespace {

struct Outcome {
  bool averted = false;
  int unaccounted = -1;
  int exposed_nodes = -1;
};

// Runs `scenario` with `seed` in both modes; returns the Manchester plot's
// outcome by mode.
std::map<std::string, Outcome> run_manchester(const std::string& scenario, int seed) {
  TempDir dir;
  const auto run = dir.path() / "run";
  const Finished finished = run_tearline({"run", scenario, "--seed", std::to_string(seed),
                                          "--scale", "0", "--out", run.string(), "--quiet"},
                                         dir.path());
  EXPECT_EQ(finished.exit_code, 0) << scenario << " seed " << seed << ": " << finished.err;
  const auto report = read_json(run / "report.json");
  std::map<std::string, Outcome> outcomes;
  for (const auto& [mode, mode_report] : report["modes"].items()) {
    Outcome& outcome = outcomes[mode];
    for (const auto& plot : mode_report["plots"]) {
      if (plot["id"].get<std::string>().find("manchester") != std::string::npos) {
        outcome.averted = plot["averted"].get<bool>();
      }
    }
    outcome.unaccounted = mode_report["messages"]["unaccounted"].get<int>();
    outcome.exposed_nodes = mode_report["exposure"]["nodes"].get<int>();
  }
  return outcomes;
}

TEST(Manchester2017, AvertedThroughTheCentreNotBilaterallyOverSeedsOneToFive) {
  int averted_coordinated = 0;
  int averted_bilateral = 0;
  for (int seed = 1; seed <= 5; ++seed) {
    auto outcomes = run_manchester("manchester-2017", seed);
    averted_coordinated += outcomes["coordinated"].averted;
    averted_bilateral += outcomes["bilateral"].averted;
    EXPECT_EQ(outcomes["coordinated"].unaccounted, 0) << "seed " << seed;
    EXPECT_EQ(outcomes["bilateral"].unaccounted, 0) << "seed " << seed;
    EXPECT_EQ(outcomes["coordinated"].exposed_nodes, 0) << "seed " << seed;
  }
  EXPECT_GE(averted_coordinated, 4);
  EXPECT_LE(averted_bilateral, 1);
}

TEST(Manchester2017, FullBilateralSharingWithADatabaseThatKeepsUpAvertsItToo) {
  auto outcomes = run_manchester("manchester-2017-full-sharing", 1);
  EXPECT_TRUE(outcomes["bilateral"].averted);
  EXPECT_EQ(outcomes["bilateral"].unaccounted, 0);
  // Full sharing hands the insider's true handle to the partner.
  EXPECT_GE(outcomes["bilateral"].exposed_nodes, 1);
}

}  // namespace
}  // namespace tearline::testing
