// Handling caveats honoured end to end (docs/MODEL.md, "Handling caveats"):
// manchester-2017 run coordinated, in process, with the US insider report
// labelled AMBER+STRICT (the centre keeps it from unit.manchester, a UK
// unit, and says why), AMBER (delivered, as shipped), and AMBER+STRICT
// through a centre that overrides caveats (delivered).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kReport[] = "us-manchester-1";
constexpr char kCopyForUnit[] = "us-manchester-1>broker>unit.manchester";

// manchester-2017 with the US insider report labelled `tlp`, and the centre's
// honour_tlp set when `honour_tlp` is false, written into `dir`.
fs::path labelled_scenario(const fs::path& dir, const std::string& tlp, bool honour_tlp = true) {
  std::string text = slurp(fs::path(source_dir()) / "scenarios" / "manchester-2017.toml");
  const size_t report = text.find("id = \"us-manchester-1\"");
  const std::string shipped = "tlp = \"amber\"";
  const size_t label = text.find(shipped, report);
  // The label sits in the report's own table, before the next one starts.
  EXPECT_TRUE(report != std::string::npos && label != std::string::npos &&
              label < text.find("[[", report))
      << "manchester-2017 no longer labels " << kReport << " " << shipped;
  text.replace(label, shipped.size(), "tlp = \"" + tlp + "\"");
  if (!honour_tlp) {
    const size_t broker = text.find("\n[broker]\n");
    EXPECT_NE(broker, std::string::npos);
    text.insert(broker + sizeof "\n[broker]\n" - 1, "honour_tlp = false\n");
  }
  const fs::path path = dir / "manchester-2017-labelled.toml";
  std::ofstream(path) << text;
  return path;
}

std::vector<nlohmann::json> events_of(const fs::path& trace, const std::string& kind) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(slurp(trace));
  std::string line;
  while (std::getline(lines, line)) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event.value("kind", "") == kind) events.push_back(event);
  }
  return events;
}

// Whether unit.manchester took in the US insider report.
bool unit_got_the_report(const fs::path& run) {
  for (const auto& event :
       events_of(run / "coordinated" / "unit.manchester.trace.jsonl", "delivered")) {
    if (event.value("trace", "") == kReport &&
        event.value("handoff", "") == "intake@unit.manchester") {
      return true;
    }
  }
  return false;
}

// The centre's withheld copies of the US insider report.
std::vector<nlohmann::json> withheld_by_centre(const fs::path& run) {
  std::vector<nlohmann::json> withheld;
  for (const auto& event : events_of(run / "coordinated" / "broker.trace.jsonl", "withheld")) {
    if (event.value("trace", "") == kReport) withheld.push_back(event);
  }
  return withheld;
}

// Runs `scenario` coordinated, in process, seed 1, into dir/run.
fs::path run_coordinated(const fs::path& scenario, const fs::path& dir) {
  const fs::path run = dir / "run";
  const Finished finished =
      run_tearline({"run", scenario.string(), "--in-process", "--mode", "coordinated", "--seed",
                    "1", "--scale", "0", "--out", run.string(), "--quiet"},
                   dir);
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  return run;
}

TEST(HandlingCaveats, TheCentreKeepsAnAmberStrictReportFromAForeignCountrysUnit) {
  TempDir dir;
  const fs::path run = run_coordinated(labelled_scenario(dir.path(), "amber+strict"), dir.path());
  EXPECT_FALSE(unit_got_the_report(run));
  const std::vector<nlohmann::json> withheld = withheld_by_centre(run);
  ASSERT_EQ(withheld.size(), 1u);
  EXPECT_EQ(withheld[0]["msg"], kCopyForUnit);
  EXPECT_EQ(withheld[0]["peer"], "unit.manchester");
  EXPECT_EQ(withheld[0]["handoff"], "route@broker");
  EXPECT_EQ(withheld[0]["reason"], "withheld:tlp-amber-strict");

  // A loss like any other: counted by its reason, every message accounted.
  const nlohmann::json mode = read_json(run / "report.json")["modes"]["coordinated"];
  EXPECT_EQ(mode["lost_by_reason"].value("withheld:tlp-amber-strict", 0), 1);
  const nlohmann::json& messages = mode["messages"];
  EXPECT_EQ(messages["unaccounted"], 0);
  EXPECT_EQ(messages["created"].get<int>(), messages["delivered"].get<int>() +
                                                messages["lost"].get<int>() +
                                                messages["in_flight"].get<int>());
  // The report says what the caveat cost: its losses by reason, and in words.
  const std::string text = slurp(run / "report.txt");
  EXPECT_NE(text.find("withheld:tlp-amber-strict"), std::string::npos);
  EXPECT_NE(text.find("broker withheld 1 copy from unit.manchester: marked TLP AMBER+STRICT"),
            std::string::npos)
      << text.substr(0, 4000);
}

TEST(HandlingCaveats, TheCentreRoutesAnAmberReportToTheUnitsOfItsArea) {
  TempDir dir;
  const fs::path run = run_coordinated(labelled_scenario(dir.path(), "amber"), dir.path());
  EXPECT_TRUE(unit_got_the_report(run));
  EXPECT_TRUE(withheld_by_centre(run).empty());
}

TEST(HandlingCaveats, ACentreThatOverridesCaveatsRoutesAnAmberStrictReport) {
  TempDir dir;
  const fs::path run = run_coordinated(
      labelled_scenario(dir.path(), "amber+strict", /*honour_tlp=*/false), dir.path());
  EXPECT_TRUE(unit_got_the_report(run));
  EXPECT_TRUE(withheld_by_centre(run).empty());
}

}  // namespace
}  // namespace tearline::testing
