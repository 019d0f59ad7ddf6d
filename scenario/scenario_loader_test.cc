// A scenario file read into its parts: defaults, dates as scenario hours,
// links and their fallback, lookups; and the errors of files that cannot be
// read or parsed.
#include <gtest/gtest.h>

#include "scenario/scenario.h"
#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

TEST(ScenarioTest, MinimalLoads) {
  const Scenario scenario = load_text(std::string(kMinimal));
  EXPECT_EQ(scenario.name, "minimal");
  EXPECT_EQ(scenario.agencies.size(), 2u);
  EXPECT_EQ(scenario.units.size(), 1u);
  EXPECT_EQ(scenario.reports.size(), 1u);
  EXPECT_EQ(scenario.plots.size(), 1u);
  EXPECT_EQ(scenario.links.size(), 1u);
  EXPECT_DOUBLE_EQ(scenario.duration_h, 100);
}

TEST(ScenarioTest, DefaultsApplyToOptionalKeys) {
  const Scenario scenario = load_text(std::string(kMinimal));
  const AgencySpec& aa = scenario.agencies[0];
  EXPECT_EQ(aa.country, "aa");  // The suffix of the name.
  EXPECT_EQ(aa.desk.capacity_msgs, 1000u);
  EXPECT_DOUBLE_EQ(aa.desk.ttl_h, 720);
  EXPECT_EQ(aa.desk.priority, QueueConfig::Priority::kRelevance);
  EXPECT_EQ(aa.desk.service.distribution, DelayModel::Distribution::kNone);
  EXPECT_DOUBLE_EQ(aa.background.rate_per_h, 0);
  EXPECT_EQ(aa.policy.min_severity, v1::SEVERITY_LOW);
  EXPECT_EQ(scenario.broker.name, "broker");
  EXPECT_DOUBLE_EQ(scenario.units[0].poll_interval_h, 24);
  EXPECT_DOUBLE_EQ(scenario.ms_per_scenario_hour, 10);
  EXPECT_EQ(scenario.seed, 1u);
  EXPECT_DOUBLE_EQ(scenario.link_default.loss.probability, 0);
}

TEST(ScenarioTest, ReadsEveryFieldOfAReport) {
  const Scenario scenario = load_text(std::string(kMinimal));
  const ReportSpec& report = scenario.reports.at(0);
  EXPECT_EQ(report.id, "aa-1");
  EXPECT_EQ(report.agency, "agency.aa");
  EXPECT_EQ(report.source, "aa.insider-1");
  EXPECT_EQ(report.plot, "plot.north");
  EXPECT_DOUBLE_EQ(report.at_h, 10);
  EXPECT_EQ(report.subject, "subject-n");
  EXPECT_FALSE(report.area.has_value());
  EXPECT_FALSE(report.site.has_value());
  EXPECT_FALSE(report.method.has_value());
  ASSERT_TRUE(report.window.has_value());
  EXPECT_DOUBLE_EQ(report.window->start_h(), 80);
  EXPECT_DOUBLE_EQ(report.window->end_h(), 95);
  EXPECT_EQ(report.credibility, "B2");
  EXPECT_EQ(report.severity, v1::SEVERITY_HIGH);
  EXPECT_EQ(report.tlp, v1::TLP_AMBER);
}

TEST(ScenarioTest, ConvertsDateTimesToHoursSinceStart) {
  std::string text = mutated("start = 2017-01-01T00:00:00Z\nduration_h = 100",
                             // 00:00 UTC: hour 0 given with a +01:00 offset.
                             "start = 2017-03-15T01:00:00+01:00\nend = 2017-03-20T00:00:00Z");
  const auto replace = [&](std::string_view from, std::string_view to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("attack_h = 90", "attack_at = 2017-03-16T12:00:00");  // Local date-time: UTC.
  replace("at_h = 10", "at = 2017-03-16");                      // A date: midnight UTC.
  replace("window = { start_h = 80, end_h = 95 }",
          "window = { start = 2017-03-16T06:30:00-02:00, end_h = 119.5 }");
  const Scenario scenario = load_text(text);

  EXPECT_EQ(scenario.start_unix_s, 1489536000);
  EXPECT_EQ(scenario.start_iso, "2017-03-15T00:00:00Z");
  EXPECT_DOUBLE_EQ(scenario.duration_h, 5 * 24);
  EXPECT_DOUBLE_EQ(scenario.plots.at(0).attack_h, 36);
  EXPECT_DOUBLE_EQ(scenario.reports.at(0).at_h, 24);
  EXPECT_DOUBLE_EQ(scenario.reports.at(0).window->start_h(), 24 + 8.5);
  EXPECT_DOUBLE_EQ(scenario.reports.at(0).window->end_h(), 119.5);
}

TEST(ScenarioTest, LinkFallsBackToLinkDefault) {
  const Scenario scenario = load_text(std::string(kMinimal));

  const LinkSpec listed = scenario.link("agency.aa", "agency.bb");
  EXPECT_EQ(listed.delay.distribution, DelayModel::Distribution::kLognormal);
  EXPECT_DOUBLE_EQ(listed.delay.fixed_h, 24);
  EXPECT_DOUBLE_EQ(listed.delay.median_h, 12);
  EXPECT_DOUBLE_EQ(listed.delay.sigma, 0.5);
  EXPECT_DOUBLE_EQ(listed.loss.probability, 0.05);
  EXPECT_EQ(listed.loss.reason, "liaison-loss");

  // Links are directed: the reverse is not listed.
  const LinkSpec fallback = scenario.link("agency.bb", "agency.aa");
  EXPECT_EQ(fallback.from, "agency.bb");
  EXPECT_EQ(fallback.to, "agency.aa");
  EXPECT_EQ(fallback.delay.distribution, DelayModel::Distribution::kNone);
  EXPECT_DOUBLE_EQ(fallback.delay.fixed_h, 2);
  EXPECT_DOUBLE_EQ(fallback.loss.probability, 0);
  EXPECT_EQ(fallback.loss.reason, "link-loss");
  EXPECT_TRUE(scenario.link_default.from.empty());
}

TEST(ScenarioTest, BothWaysDefinesTheReverseLink) {
  const Scenario scenario =
      load_text(mutated("to = \"agency.bb\"\n", "to = \"agency.bb\"\nboth_ways = true\n"));
  ASSERT_EQ(scenario.links.size(), 2u);
  const LinkSpec reverse = scenario.link("agency.bb", "agency.aa");
  EXPECT_DOUBLE_EQ(reverse.delay.fixed_h, 24);
  EXPECT_EQ(reverse.loss.reason, "liaison-loss");
}

TEST(ScenarioTest, LinkWithoutDelayOrLossInheritsLinkDefault) {
  const Scenario scenario = load_text(
      mutated("delay = { fixed_h = 24, distribution = \"lognormal\", median_h = 12, sigma = 0.5 }\n"
              "loss = { probability = 0.05, reason = \"liaison-loss\" }\n",
              ""));
  const LinkSpec link = scenario.link("agency.aa", "agency.bb");
  EXPECT_DOUBLE_EQ(link.delay.fixed_h, 2);
  EXPECT_DOUBLE_EQ(link.loss.probability, 0);
}

TEST(ScenarioTest, NormalisesBackgroundSeverityWeights) {
  const Scenario scenario = load_text(
      mutated("policy = {}",
              "policy = {}\nbackground = { rate_per_h = 2, severity = { low = 3, high = 1 } }"));
  const BackgroundSpec& background = scenario.agencies.at(1).background;
  EXPECT_DOUBLE_EQ(background.rate_per_h, 2);
  EXPECT_DOUBLE_EQ(background.severity_weights.at(v1::SEVERITY_LOW), 0.75);
  EXPECT_DOUBLE_EQ(background.severity_weights.at(v1::SEVERITY_MODERATE), 0);
  EXPECT_DOUBLE_EQ(background.severity_weights.at(v1::SEVERITY_HIGH), 0.25);
  EXPECT_DOUBLE_EQ(background.severity_weights.at(v1::SEVERITY_CRITICAL), 0);
  EXPECT_DOUBLE_EQ(background.field_share, 0.5);
}

TEST(ScenarioTest, LooksUpNodesByName) {
  const Scenario scenario = load_text(std::string(kMinimal));
  EXPECT_EQ(scenario.node_names(),
            (std::vector<std::string>{"agency.aa", "agency.bb", "broker", "unit.north"}));
  ASSERT_NE(scenario.agency("agency.bb"), nullptr);
  EXPECT_EQ(scenario.agency("agency.bb")->name, "agency.bb");
  EXPECT_EQ(scenario.agency("unit.north"), nullptr);
  ASSERT_NE(scenario.unit("unit.north"), nullptr);
  EXPECT_EQ(scenario.unit("unit.north")->area, "north");
  EXPECT_EQ(scenario.unit("agency.aa"), nullptr);
}

// --- Shipped scenarios --------------------------------------------------------

TEST(ScenarioErrorTest, SyntaxErrorNamesLineAndColumn) {
  const std::string text = mutated("area = \"north\"\nresponse_h", "area = \"north\nresponse_h");
  const ScratchFile file(text);
  const std::string error = load_error(file.path());
  const std::string where =
      file.path() + ":" + std::to_string(line_of(text, "area = \"north")) + ":";
  EXPECT_EQ(error.rfind(where, 0), 0u) << error;
  // Then a column and toml++'s description.
  const std::string rest = error.substr(std::min(error.size(), where.size()));
  ASSERT_FALSE(rest.empty()) << error;
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(rest[0]))) << error;
  EXPECT_NE(rest.find(": "), std::string::npos) << error;
}

TEST(ScenarioErrorTest, TooManyNodesIsRefusedNamingTheUnits) {
  std::string text(kMinimal);
  for (int i = 0; i < 4'000; ++i) {
    text += "[[unit]]\nname = \"unit.u" + std::to_string(i) +
            "\"\nagency = \"agency.aa\"\narea = \"north\"\nresponse_h = 1\n"
            "intake = { workers = 1, service = { fixed_h = 1 } }\n";
  }
  const ScratchFile file(text);
  const std::string error = load_error(file.path());
  EXPECT_NE(error.find(": unit: a scenario has at most 4000 nodes"), std::string::npos) << error;
  EXPECT_NE(error.find("this one has at least 4004"), std::string::npos) << error;
}

TEST(ScenarioErrorTest, MissingFile) {
  const std::string path = testing::TempDir() + "tearline_no_such_scenario.toml";
  const std::string error = load_error(path);
  EXPECT_EQ(error, path + ": cannot read scenario file: no such file");
}

TEST(ScenarioErrorTest, DirectoryIsNotAScenario) {
  const std::string path = source_path("scenarios");
  EXPECT_EQ(load_error(path), path + ": cannot read scenario file: not a regular file");
}

// tests/scenarios/bad/*.toml: each file's first line is "# expect-error: X",
// where the error must be the file's path followed by X.
TEST(ScenarioErrorTest, BadFilesFailAsTheySay) {
  int files = 0;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(source_path("tests/scenarios/bad"))) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    const std::string path = entry.path().string();
    std::string first_line;
    std::getline(std::ifstream(path), first_line);
    const std::string_view kPrefix = "# expect-error: ";
    ASSERT_EQ(first_line.rfind(kPrefix, 0), 0u) << path << " lacks an expect-error line";
    const std::string expected = path + first_line.substr(kPrefix.size());
    const std::string error = load_error(path);
    EXPECT_EQ(error.rfind(expected, 0), 0u) << error << "\nexpected to start with: " << expected;
  }
  EXPECT_GE(files, 4);
}

}  // namespace
}  // namespace tearline

namespace tearline {
namespace {}  // namespace
}  // namespace tearline
