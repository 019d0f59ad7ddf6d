// `tearline scenario show`: an overlay printed resolved, as TOML that reads
// back as the same scenario; a bad overlay exit 2 naming its file and line.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>

#include "tests/child.h"

namespace tearline::testing {
namespace {

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
  std::ofstream(overlay) << "extends = \"" << source_dir()
                         << "/scenarios/manchester-2017.toml\"\n[set]\n"
                            "\"agency[agency.us].partner[agency.uk].trust\" = 2\n";
  const Finished shown = run_tearline({"scenario", "show", overlay.string()}, dir.path());
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_NE(shown.err.find("overlay.toml:3: agency[1].partner[0].trust: "), std::string::npos)
      << shown.err;
  EXPECT_EQ(shown.out, "");
}

}  // namespace
}  // namespace tearline::testing
