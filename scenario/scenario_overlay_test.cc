// Overlays: a scenario that extends another merges its tables into the
// base's, appends its arrays of tables, applies its [set] by key path, and
// every error names the file and line the value at fault came from.
#include "scenario/scenario_overlay.h"

#include <gtest/gtest.h>

#include "base/toml_reader.h"
#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

// A folder of scenario files under the test temp directory, removed after.
class ScratchFolder {
 public:
  ScratchFolder() {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(testing::TempDir()) /
            (std::string("tearline_overlay_") + test->test_suite_name() + "." + test->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchFolder() { fs::remove_all(path_); }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  // Writes `name` with `text`; its path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  fs::path path_;
};

constexpr std::string_view kOverlay = R"(# An overlay of kMinimal.
extends = "base"

[scenario]
name = "minimal-overlay"

[broker.officers]
workers = 3

[[report]]
id = "aa-2"
agency = "agency.aa"
source = "aa.insider-1"
at_h = 20
credibility = "C3"
severity = "moderate"
tlp = "green"

[set]
"agency[agency.aa].partner[agency.bb].trust" = 0.95
"agency[1].desk" = { workers = 4, service = { fixed_h = 2 } }
"unit[unit.north].journal" = true
)";

TEST(ScenarioOverlay, MergesTablesAppendsArraysAndSetsKeyPaths) {
  const ScratchFolder folder;
  folder.write("base.toml", std::string(kMinimal));
  const std::string overlay = folder.write("overlay.toml", std::string(kOverlay));
  const Scenario scenario = load_scenario(overlay);
  EXPECT_EQ(scenario.name, "minimal-overlay");
  EXPECT_DOUBLE_EQ(scenario.duration_h, 100);                     // [scenario] merged key by key.
  EXPECT_EQ(scenario.broker.officers.workers, 3);                 // [broker.officers] too...
  EXPECT_DOUBLE_EQ(scenario.broker.officers.service.fixed_h, 1);  // ...keeping the base's others.
  ASSERT_EQ(scenario.reports.size(), 2u);                         // [[report]] appended.
  EXPECT_EQ(scenario.reports[0].id, "aa-1");
  EXPECT_EQ(scenario.reports[1].id, "aa-2");
  EXPECT_DOUBLE_EQ(scenario.agency("agency.aa")->partners.at(0).trust, 0.95);
  const QueueConfig& desk = scenario.agency("agency.bb")->desk;  // An inline table replaces.
  EXPECT_EQ(desk.workers, 4);
  EXPECT_DOUBLE_EQ(desk.service.fixed_h, 2);
  EXPECT_TRUE(scenario.unit("unit.north")->journal);  // A key the base lacked, added.

  // The resolved text reads back as the same scenario, with no extends.
  const ResolvedScenario resolved = resolve_scenario_file(overlay);
  EXPECT_TRUE(resolved.overlay);
  const std::string text = scenario_toml_text(resolved.table);
  EXPECT_EQ(text.find("extends"), std::string::npos);
  const Scenario again = parse_scenario(text, "resolved.toml");
  EXPECT_EQ(again.reports.size(), 2u);
  EXPECT_DOUBLE_EQ(again.agency("agency.aa")->partners.at(0).trust, 0.95);
  EXPECT_FALSE(resolve_scenario_file(folder.write("plain.toml", std::string(kMinimal))).overlay);
}

TEST(ScenarioOverlay, ErrorsNameTheFileAndLineTheValueCameFrom) {
  const ScratchFolder folder;
  // An error in the base: the base's file and line.
  const std::string broken_base = mutated("workers = 2,", "workers = 0,");
  const std::string base = folder.write("base.toml", broken_base);
  const std::string overlay = folder.write("overlay.toml", std::string(kOverlay));
  EXPECT_EQ(load_error(overlay).rfind(
                base + ":" + std::to_string(line_of(broken_base, "workers = 0,")) + ":", 0),
            0u)
      << load_error(overlay);

  // An error in a value the overlay set: the overlay's file and line.
  folder.write("base.toml", std::string(kMinimal));
  std::string bad_set(kOverlay);
  bad_set.replace(bad_set.find("= 0.95"), 6, "= 1.5");
  folder.write("overlay.toml", bad_set);
  EXPECT_EQ(load_error(overlay).rfind(overlay + ":" + std::to_string(line_of(bad_set, "= 1.5")) +
                                          ": agency[0].partner[0].trust: ",
                                      0),
            0u)
      << load_error(overlay);

  // An error in an overlay's table: the overlay's line.
  std::string bad_table(kOverlay);
  bad_table.replace(bad_table.find("workers = 3"), 11, "workers = -3");
  folder.write("overlay.toml", bad_table);
  EXPECT_EQ(load_error(overlay).rfind(
                overlay + ":" + std::to_string(line_of(bad_table, "workers = -3")) + ":", 0),
            0u)
      << load_error(overlay);
}

TEST(ScenarioOverlay, RefusesBadPathsMissingBasesCyclesAndLongChains) {
  const ScratchFolder folder;
  folder.write("base.toml", std::string(kMinimal));
  const std::string bad_path = "extends = \"base\"\n[set]\n\"agency[agency.zz].journal\" = true\n";
  const std::string overlay = folder.write("overlay.toml", bad_path);
  EXPECT_EQ(load_error(overlay).rfind(overlay + ":3: set: agency[agency.zz].journal: agency in "
                                                "the resolved scenario has no entry named "
                                                "\"agency.zz\"",
                                      0),
            0u)
      << load_error(overlay);

  folder.write("overlay.toml", "# none\nextends = \"nowhere\"\n");
  EXPECT_EQ(load_error(overlay).rfind(overlay + ":2: extends: no scenario \"nowhere\"", 0), 0u)
      << load_error(overlay);

  const std::string a = folder.write("a.toml", "extends = \"b.toml\"\n");
  folder.write("b.toml", "extends = \"a\"\n");
  EXPECT_NE(load_error(a).find("b.toml:1: extends: a cycle: "), std::string::npos) << load_error(a);
  EXPECT_NE(load_error(folder.write("self.toml", "extends = \"self\"\n")).find("a cycle"),
            std::string::npos);

  // A chain of kExtendsFilesMax files loads; one more is refused.
  for (size_t i = 1; i < kExtendsFilesMax; ++i) {
    folder.write(
        "c" + std::to_string(i) + ".toml",
        "extends = \"" + (i == 1 ? std::string("base") : "c" + std::to_string(i - 1)) + "\"\n");
  }
  const std::string longest = "c" + std::to_string(kExtendsFilesMax - 1);
  EXPECT_EQ(
      load_error(folder.write(longest + ".toml",
                              "extends = \"c" + std::to_string(kExtendsFilesMax - 2) + "\"\n")),
      "");
  const std::string too_long = folder.write("too-long.toml", "extends = \"" + longest + "\"\n");
  EXPECT_NE(load_error(too_long).find("more than " + std::to_string(kExtendsFilesMax) + " files"),
            std::string::npos)
      << load_error(too_long);

  EXPECT_NE(
      load_error(folder.write("unquoted.toml", "extends = \"base\"\n[set]\nscenario.seed = 2\n"))
          .find("unquoted.toml:3: set: a key path is written in quotes"),
      std::string::npos);
  EXPECT_NE(load_error(folder.write("number.toml", "extends = 3\n")).find("must be a scenario"),
            std::string::npos);
  EXPECT_NE(
      load_error(folder.write("set.toml", "extends = \"base\"\nset = 1\n")).find("must be a table"),
      std::string::npos);
}

// A NUL ended the file name early: "base.toml\0x" extended base.toml. A
// control character in a [set] path is refused before it reaches a message.
TEST(ScenarioOverlay, RefusesControlCharactersInExtendsAndKeyPaths) {
  const ScratchFolder folder;
  folder.write("base.toml", std::string(kMinimal));
  const std::string nul = folder.write("nul.toml", "extends = \"base.toml\\u0000x\"\n");
  EXPECT_EQ(load_error(nul).rfind(nul + ":1: extends: must be a scenario's name", 0), 0u)
      << load_error(nul);
  EXPECT_NE(load_error(nul).find("without control characters"), std::string::npos);
  const std::string newline = folder.write(
      "newline.toml", "extends = \"base\"\n[set]\n\"agency[0].desk.work\\u000aers\" = 2\n");
  EXPECT_EQ(load_error(newline).rfind(newline + ":3: set: a key path with a control character", 0),
            0u)
      << load_error(newline);
}

}  // namespace
}  // namespace tearline
