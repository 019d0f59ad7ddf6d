// `tearline scenario show`: an overlay printed resolved, as TOML that reads
// back as the same scenario; a bad overlay exit 2 naming its file and line;
// a run of an overlay keeps it resolved in its folder.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>

#include "tests/child.h"

namespace tearline::testing {
namespace {

// Writes an overlay of the shipped scenario `base` ("small") at `path`.
void write_overlay(const std::filesystem::path& path, const std::string& base,
                   const std::string& body) {
  std::ofstream(path) << "extends = \"" << source_dir() << "/scenarios/" << base << ".toml\"\n"
                      << body;
}

TEST(ScenarioShow, PrintsAnOverlayResolvedAsTomlThatReadsBackTheSame) {
  TempDir dir;
  const Finished shown = run_tearline(
      {"scenario", "show", source_dir() + "/scenarios/manchester-2017-full-sharing.toml"},
      dir.path());
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const toml::table table = toml::parse(shown.out);
  EXPECT_FALSE(table.contains("extends"));
  EXPECT_FALSE(table.contains("set"));
  EXPECT_EQ(table.at_path("scenario.name").value<std::string>(), "manchester-2017-full-sharing");
  EXPECT_EQ(table.at_path("agency[1].name").value<std::string>(), "agency.us");
  EXPECT_EQ(table.at_path("agency[1].partner[0].trust").value<double>(), 0.9);
  EXPECT_EQ(table.at_path("report").as_array()->size(), 6u);  // The base's, none lost.

  // Shown again from its own output: the same table.
  const auto resolved = dir.path() / "manchester-2017-full-sharing.toml";
  std::ofstream(resolved) << shown.out;
  const Finished again = run_tearline({"scenario", "show", resolved.string()}, dir.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(toml::parse(again.out), table);
}

TEST(ScenarioShow, ABadOverlayExitsTwoNamingItsFileAndLine) {
  TempDir dir;
  const auto overlay = dir.path() / "overlay.toml";
  write_overlay(overlay, "manchester-2017",
                "[set]\n\"agency[agency.us].partner[agency.uk].trust\" = 2\n");
  const Finished shown = run_tearline({"scenario", "show", overlay.string()}, dir.path());
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_NE(shown.err.find("overlay.toml:3: agency[1].partner[0].trust: "), std::string::npos)
      << shown.err;
  EXPECT_EQ(shown.out, "");
}

// A run of an overlay keeps the resolved scenario in its folder, and its
// nodes (processes, reading their parts cut from it) run it.
TEST(ScenarioShow, ARunOfAnOverlayKeepsItResolved) {
  TempDir dir;
  const auto overlay = dir.path() / "small-overlay.toml";
  write_overlay(overlay, "small",
                "[scenario]\nname = \"small-overlay\"\n"
                "[set]\n\"agency[agency.bb].partner[agency.aa].trust\" = 0.95\n");
  const auto run = dir.path() / "run";
  const Finished finished = run_tearline({"run", overlay.string(), "--mode", "bilateral", "--scale",
                                          "0", "--quiet", "--out", run.string()},
                                         dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  const toml::table kept = toml::parse_file((run / "scenario.toml").string());
  EXPECT_FALSE(kept.contains("extends"));
  EXPECT_EQ(kept.at_path("agency[1].partner[0].trust").value<double>(), 0.95);
  const nlohmann::json report = nlohmann::json::parse(slurp(run / "report.json"));
  EXPECT_EQ(report["modes"]["bilateral"]["run"]["scenario"], "small-overlay");
}

}  // namespace
}  // namespace tearline::testing
