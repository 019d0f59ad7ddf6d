#include "scenario/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace tearline {
namespace {

namespace fs = std::filesystem;

std::string source_path(std::string_view relative) {
  return std::string(TEARLINE_SOURCE_DIR) + "/" + std::string(relative);
}

// A valid scenario that the tests below mutate. Keep every marker string the
// cases use unique in it, or first occurrences will be used.
constexpr std::string_view kMinimal = R"(# minimal test scenario
[scenario]
name = "minimal"
start = 2017-01-01T00:00:00Z
duration_h = 100

[[agency]]
name = "agency.aa"
desk = { workers = 1, service = { fixed_h = 1 } }
database = { workers = 2, service = { distribution = "exponential", mean_h = 1 } }
policy = { insider = { full_trust_min = 0.9, sanitised_trust_min = 0.3 } }
[[agency.partner]]
agency = "agency.bb"
trust = 0.5
[[agency.source]]
handle = "aa.insider-1"
value = "insider"

[[agency]]
name = "agency.bb"
desk = { workers = 1, service = { fixed_h = 1 } }
database = { workers = 1, service = { fixed_h = 1 } }
policy = {}

[broker]
officers = { workers = 1, service = { fixed_h = 1 } }

[[unit]]
name = "unit.north"
agency = "agency.aa"
area = "north"
response_h = 24
intake = { workers = 1, service = { fixed_h = 1 } }

[link_default]
delay = { fixed_h = 2 }

[[link]]
from = "agency.aa"
to = "agency.bb"
delay = { fixed_h = 24, distribution = "lognormal", median_h = 12, sigma = 0.5 }
loss = { probability = 0.05, reason = "liaison-loss" }

[[plot]]
id = "plot.north"
area = "north"
site = "station"
attack_h = 90

[[report]]
id = "aa-1"
agency = "agency.aa"
source = "aa.insider-1"
plot = "plot.north"
at_h = 10
subject = "subject-n"
window = { start_h = 80, end_h = 95 }
credibility = "B2"
severity = "high"
tlp = "amber"
)";

// kMinimal with the first occurrence of `from` replaced by `to`.
std::string mutated(std::string_view from, std::string_view to) {
  std::string text(kMinimal);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "marker not in kMinimal: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// 1-based line of the first occurrence of `marker` in `text`, 0 if absent.
size_t line_of(const std::string& text, std::string_view marker) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return 0;
  return 1 +
         static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// A file under the test temp directory, named after the running test, removed
// when the object goes.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& text) {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(test->test_suite_name()) + "." + test->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = testing::TempDir() + "tearline_scenario_" + name + ".toml";
    std::ofstream(path_) << text;
  }
  ~ScratchFile() { fs::remove(path_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Scenario load_text(const std::string& text) {
  const ScratchFile file(text);
  return load_scenario(file.path());
}

// The message of the ScenarioError that loading `path` throws, "" if none.
std::string load_error(const std::string& path) {
  try {
    load_scenario(path);
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "";
}

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

TEST(ShippedScenarioTest, EveryScenarioLoads) {
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(source_path("scenarios"))) {
    if (entry.path().extension() != ".toml") continue;
    try {
      const Scenario scenario = load_scenario(entry.path().string());
      EXPECT_TRUE(names.insert(scenario.name).second) << "duplicate name " << scenario.name;
      EXPECT_EQ(entry.path().stem().string(), scenario.name) << "file and scenario names differ";
      EXPECT_FALSE(scenario.plots.empty()) << scenario.name;
      EXPECT_FALSE(scenario.reports.empty()) << scenario.name;
    } catch (const ScenarioError& error) {
      ADD_FAILURE() << error.what();
    }
  }
  EXPECT_TRUE(names.count("manchester-2017"));
  EXPECT_TRUE(names.count("manchester-2017-full-sharing"));
  EXPECT_TRUE(names.count("small"));
}

const PlotSpec& plot(const Scenario& scenario, const std::string& id) {
  for (const PlotSpec& candidate : scenario.plots) {
    if (candidate.id == id) return candidate;
  }
  throw std::out_of_range("no plot " + id);
}

const ReportSpec& report(const Scenario& scenario, const std::string& id) {
  for (const ReportSpec& candidate : scenario.reports) {
    if (candidate.id == id) return candidate;
  }
  throw std::out_of_range("no report " + id);
}

double trust(const AgencySpec& agency, const std::string& partner) {
  for (const PartnerSpec& candidate : agency.partners) {
    if (candidate.agency == partner) return candidate.trust;
  }
  throw std::out_of_range(agency.name + " has no partner " + partner);
}

// Arrivals over service capacity: 1 or more means the queue never drains.
double utilisation(const AgencySpec& agency) {
  return agency.background.rate_per_h * agency.database.service.mean_total_h() /
         agency.database.workers;
}

TEST(ShippedScenarioTest, Manchester2017FollowsThePublicRecord) {
  const Scenario scenario = load_scenario(source_path("scenarios/manchester-2017.toml"));
  EXPECT_EQ(scenario.start_iso, "2017-03-15T00:00:00Z");
  EXPECT_DOUBLE_EQ(scenario.duration_h, 79 * 24);  // Until 2 June, after the 31 May meeting.
  EXPECT_DOUBLE_EQ(scenario.ms_per_scenario_hour, 4);

  // 22 May 22:31 BST is 21:31 UTC, 68 days after the start.
  const PlotSpec& manchester = plot(scenario, "plot.manchester-2017-05-22");
  EXPECT_DOUBLE_EQ(manchester.attack_h, 68 * 24 + 21 + 31.0 / 60);
  EXPECT_EQ(manchester.area, "manchester");
  // 3 April 14:40 MSK is 11:40 UTC, 19 days after the start.
  EXPECT_DOUBLE_EQ(plot(scenario, "plot.stpetersburg-2017-04-03").attack_h,
                   19 * 24 + 11 + 40.0 / 60);

  const ReportSpec& insider = report(scenario, "us-manchester-1");
  EXPECT_EQ(insider.agency, "agency.us");
  EXPECT_EQ(insider.subject, "subject-m");
  EXPECT_EQ(insider.site, "arena");
  ASSERT_TRUE(insider.window.has_value());
  EXPECT_LE(insider.window->start_h(), manchester.attack_h);
  EXPECT_GE(insider.window->end_h(), manchester.attack_h);
  EXPECT_LT(insider.at_h, manchester.attack_h - scenario.unit("unit.manchester")->response_h);

  // The tearline copy: agency.us trusts agency.uk enough to share an insider
  // report sanitised, not in full.
  const AgencySpec& us = *scenario.agency("agency.us");
  const SharingPolicy::ByValue& insider_rule = us.policy.by_source_value.at("insider");
  EXPECT_LT(trust(us, "agency.uk"), insider_rule.full_trust_min);
  EXPECT_GE(trust(us, "agency.uk"), insider_rule.sanitised_trust_min);

  // The UK database runs at saturation, with relevance priority.
  const AgencySpec& uk = *scenario.agency("agency.uk");
  EXPECT_GE(utilisation(uk), 0.95);
  EXPECT_EQ(uk.database.priority, QueueConfig::Priority::kRelevance);

  // St Petersburg fragments: area and method only.
  for (const char* id : {"ru-stpetersburg-1", "ru-stpetersburg-2"}) {
    const ReportSpec& fragment = report(scenario, id);
    EXPECT_EQ(fragment.area, "stpetersburg");
    EXPECT_TRUE(fragment.method.has_value());
    EXPECT_FALSE(fragment.subject || fragment.site || fragment.window) << id;
  }
}

TEST(ShippedScenarioTest, FullSharingRemovesBothBilateralBottlenecks) {
  const Scenario scenario =
      load_scenario(source_path("scenarios/manchester-2017-full-sharing.toml"));
  const AgencySpec& us = *scenario.agency("agency.us");
  EXPECT_GE(trust(us, "agency.uk"), us.policy.by_source_value.at("insider").full_trust_min);
  EXPECT_LT(utilisation(*scenario.agency("agency.uk")), 0.5);

  // Everything else is the same scenario.
  const Scenario base = load_scenario(source_path("scenarios/manchester-2017.toml"));
  EXPECT_EQ(scenario.reports.size(), base.reports.size());
  EXPECT_EQ(scenario.node_names(), base.node_names());
  EXPECT_EQ(scenario.links.size(), base.links.size());
  EXPECT_EQ(scenario.seed, base.seed);
}

TEST(ShippedScenarioTest, SmallSharesOneReportSanitisedAndOneInFull) {
  const Scenario scenario = load_scenario(source_path("scenarios/small.toml"));
  EXPECT_LE(scenario.duration_h * scenario.ms_per_scenario_hour, 2500);  // About 2 s.
  const AgencySpec& bb = *scenario.agency("agency.bb");
  const double bb_trusts_aa = trust(bb, "agency.aa");
  const auto& rules = bb.policy.by_source_value;
  EXPECT_LT(bb_trusts_aa, rules.at("insider").full_trust_min);
  EXPECT_GE(bb_trusts_aa, rules.at("insider").sanitised_trust_min);
  EXPECT_GE(bb_trusts_aa, rules.at("officer").full_trust_min);
}

// --- Errors --------------------------------------------------------------------

struct BadCase {
  const char* name;
  const char* from;     // Replaced, first occurrence, in kMinimal...
  const char* to;       // ...by this.
  const char* key;      // The key the error must name.
  const char* line_of;  // The error's line is the first one containing this.
  const char* message;  // The error message must contain this.
};

void PrintTo(const BadCase& bad, std::ostream* out) { *out << bad.name; }

class BadScenarioTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadScenarioTest, NamesFileLineAndKey) {
  const BadCase& bad = GetParam();
  const std::string text = mutated(bad.from, bad.to);
  const size_t line = line_of(text, bad.line_of);
  ASSERT_GT(line, 0u) << "line marker not found: " << bad.line_of;
  const ScratchFile file(text);
  const std::string error = load_error(file.path());
  ASSERT_FALSE(error.empty()) << "loaded without error";
  const std::string where = file.path() + ":" + std::to_string(line) + ": " + bad.key + ": ";
  EXPECT_EQ(error.rfind(where, 0), 0u) << error << "\nexpected to start with: " << where;
  EXPECT_NE(error.find(bad.message), std::string::npos) << error;
}

const BadCase kBadCases[] = {
    // Unknown keys.
    {"UnknownKeySuggestsNearest", "response_h = 24", "respone_h = 24", "unit[0].respone_h",
     "respone_h", "unknown key \"respone_h\" (did you mean \"response_h\"?)"},
    {"UnknownKeyListsKnownKeys", "response_h = 24", "response_h = 24\ncolour = \"blue\"",
     "unit[0].colour", "colour", "known keys: name, agency, area"},
    {"UnknownTopLevelKey", "[broker]", "[brokers]\n[broker]", "brokers", "[brokers]",
     "did you mean \"broker\"?"},
    {"UnknownKeyInInlineTable", "delay = { fixed_h = 2 }", "delay = { fixed_h = 2, jitter_h = 1 }",
     "link_default.delay.jitter_h", "jitter_h", "unknown key"},
    {"UnknownKeyInPolicyValue", "full_trust_min = 0.9,", "full_trust = 0.9,",
     "agency[0].policy.insider.full_trust", "full_trust = 0.9", "did you mean \"full_trust_min\"?"},
    // Missing keys: reported at the table.
    {"MissingScenarioName", "name = \"minimal\"\n", "", "scenario.name", "[scenario]",
     "required key is missing"},
    {"MissingReportSource", "source = \"aa.insider-1\"\n", "", "report[0].source", "[[report]]",
     "required key is missing"},
    {"MissingUnitResponse", "response_h = 24\n", "", "unit[0].response_h", "[[unit]]",
     "required key is missing"},
    {"MissingLognormalSigma", "median_h = 12, sigma = 0.5", "median_h = 12", "link[0].delay.sigma",
     "median_h = 12", "required key is missing"},
    {"NoUnits",
     "[[unit]]\nname = \"unit.north\"\nagency = \"agency.aa\"\narea = \"north\"\nresponse_h = "
     "24\nintake = { workers = 1, service = { fixed_h = 1 } }\n",
     "", "unit", "# minimal test scenario", "at least one [[unit]] is required"},
    {"MissingReportTime", "at_h = 10\n", "", "report[0].at", "[[report]]", "or give at_h"},
    {"MissingDuration", "duration_h = 100\n", "", "scenario.duration_h", "[scenario]",
     "required key is missing"},
    // Types.
    {"WorkersNotAnInteger", "workers = 2,", "workers = \"2\",", "agency[0].database.workers",
     "workers = \"2\"", "expected an integer, got a string"},
    {"WorkersAFloat", "workers = 2,", "workers = 2.5,", "agency[0].database.workers",
     "workers = 2.5", "expected an integer, got a float"},
    {"StartNotADateTime", "start = 2017-01-01T00:00:00Z", "start = \"2017-01-01\"",
     "scenario.start", "start =", "expected a date-time"},
    {"StartATimeOfDay", "start = 2017-01-01T00:00:00Z", "start = 10:00:00", "scenario.start",
     "start =", "got a time"},
    {"ArrayOfTablesExpected", "[[link]]", "[link]", "link", "[link]",
     "expected an array of tables ([[link]]), got a table"},
    {"EmptyString", "subject = \"subject-n\"", "subject = \"\"", "report[0].subject",
     "subject =", "must not be empty"},
    {"NotFinite", "response_h = 24", "response_h = inf", "unit[0].response_h", "response_h",
     "finite"},
    // Ranges.
    {"WorkersZero", "workers = 2,", "workers = 0,", "agency[0].database.workers", "workers = 0",
     "must be at least 1"},
    {"CapacityZero", "officers = { workers = 1, service = { fixed_h = 1 } }",
     "officers = { workers = 1, service = { fixed_h = 1 }, capacity_msgs = 0 }",
     "broker.officers.capacity_msgs", "capacity_msgs", "must be at least 1"},
    {"LossProbabilityAboveOne", "probability = 0.05", "probability = 1.5",
     "link[0].loss.probability", "probability", "between 0 and 1, got 1.5"},
    {"TrustNegative", "trust = 0.5", "trust = -0.1", "agency[0].partner[0].trust", "trust = -0.1",
     "between 0 and 1"},
    {"ResponseNegative", "response_h = 24", "response_h = -1", "unit[0].response_h", "response_h",
     "must be at least 0"},
    {"TtlZero", "intake = { workers = 1,", "intake = { ttl_h = 0, workers = 1,",
     "unit[0].intake.ttl_h", "intake =", "must be greater than 0"},
    {"SeedNegative", "duration_h = 100", "duration_h = 100\nseed = -3", "scenario.seed", "seed",
     "must be at least 0"},
    {"UniformMaxBelowMin", "delay = { fixed_h = 2 }",
     "delay = { distribution = \"uniform\", min_h = 3, max_h = 1 }", "link_default.delay.max_h",
     "uniform", "must be at least min_h"},
    {"ReportBeforeStart", "at_h = 10", "at_h = -1", "report[0].at_h", "at_h",
     "before the scenario start"},
    {"PlotAfterEnd", "attack_h = 90", "attack_h = 101", "plot[0].attack_h", "attack_h",
     "after the scenario end"},
    {"DateTimeAfterEnd", "at_h = 10", "at = 2017-01-05T06:00:00+01:00", "report[0].at",
     "at =", "1 h after the scenario end"},
    {"WindowEndBeforeStart", "start_h = 80, end_h = 95", "start_h = 95, end_h = 80",
     "report[0].window.end_h", "window", "must not be before the start"},
    {"EndBeforeStart", "duration_h = 100", "end = 2016-12-31T00:00:00Z", "scenario.end",
     "end =", "must be after the start"},
    {"SeverityWeightsZero", "policy = {}",
     "policy = {}\nbackground = { rate_per_h = 1, severity = { low = 0 } }",
     "agency[1].background.severity", "background", "must not all be 0"},
    // Either-or keys.
    {"AtAndAtH", "at_h = 10", "at_h = 10\nat = 2017-01-01T10:00:00Z", "report[0].at_h", "at_h",
     "give at or at_h, not both"},
    {"EndAndDuration", "duration_h = 100", "duration_h = 100\nend = 2017-01-05T00:00:00Z",
     "scenario.duration_h", "duration_h", "not both"},
    {"DelayKeyOfAnotherDistribution", "delay = { fixed_h = 2 }",
     "delay = { fixed_h = 2, mean_h = 1 }", "link_default.delay.mean_h", "fixed_h = 2, mean_h",
     "not a parameter of distribution \"none\""},
    {"LognormalGivenMean", "median_h = 12, sigma = 0.5", "median_h = 12, sigma = 0.5, mean_h = 3",
     "link[0].delay.mean_h", "mean_h = 3", "(it takes median_h, sigma)"},
    // Names.
    {"UnknownDistribution", "distribution = \"exponential\"", "distribution = \"exponentail\"",
     "agency[0].database.service.distribution", "exponentail", "did you mean \"exponential\"?"},
    {"UnknownPriority", "intake = { workers = 1,", "intake = { priority = \"lifo\", workers = 1,",
     "unit[0].intake.priority", "lifo", "unknown value \"lifo\""},
    {"UnknownSeverity", "severity = \"high\"", "severity = \"severe\"", "report[0].severity",
     "severe", "unknown severity \"severe\""},
    {"UnknownTlp", "tlp = \"amber\"", "tlp = \"orange\"", "report[0].tlp", "orange",
     "unknown TLP \"orange\""},
    {"BadCredibility", "credibility = \"B2\"", "credibility = \"Z9\"", "report[0].credibility",
     "Z9", "Admiralty"},
    {"UnknownSourceValue", "value = \"insider\"", "value = \"mole\"", "agency[0].source[0].value",
     "mole", "unknown value \"mole\""},
    {"UnitWithoutPrefix", "name = \"unit.north\"", "name = \"north\"", "unit[0].name",
     "name = \"north\"", "must be unit.<name>"},
    {"AgencyWithoutPrefix", "name = \"agency.bb\"", "name = \"bb\"", "agency[1].name",
     "name = \"bb\"", "must be agency.<name>"},
    {"AgencyNameWithSpace", "name = \"agency.bb\"", "name = \"agency.b b\"", "agency[1].name",
     "agency.b b", "lower-case letters"},
    {"BrokerWithoutPrefix", "[broker]", "[broker]\nname = \"centre\"", "broker.name", "centre",
     "must be broker or broker.<name>"},
    // Uniqueness.
    {"DuplicateNodeName", "name = \"agency.bb\"", "name = \"agency.aa\"", "agency[1].name",
     "name = \"agency.aa\"\ndesk = { workers = 1, service = { fixed_h = 1 } }\ndatabase = { "
     "workers = 1",
     "\"agency.aa\" is already the name of agency[0].name (line 8)"},
    {"DuplicateReportId", "tlp = \"amber\"\n",
     "tlp = \"amber\"\n[[report]]\nid = \"aa-1\" # again\nagency = \"agency.aa\"\n", "report[1].id",
     "# again", "is already the id of report[0].id"},
    {"DuplicatePlotId", "attack_h = 90\n", "attack_h = 90\n[[plot]]\nid = \"plot.north\" # again\n",
     "plot[1].id", "# again", "already the id of plot[0].id"},
    {"DuplicateSourceHandle", "value = \"insider\"\n",
     "value = \"insider\"\n[[agency.source]]\nhandle = \"aa.insider-1\" # again\n",
     "agency[0].source[1].handle", "# again", "already the handle of agency[0].source[0].handle"},
    {"DuplicatePartner", "trust = 0.5\n",
     "trust = 0.5\n[[agency.partner]]\nagency = \"agency.bb\" # again\n",
     "agency[0].partner[1].agency", "# again", "listed twice"},
    {"DuplicateLink", "loss = { probability = 0.05, reason = \"liaison-loss\" }\n",
     "loss = { probability = 0.05, reason = \"liaison-loss\" }\n"
     "[[link]]\nfrom = \"agency.aa\"\nto = \"agency.bb\" # again\n",
     "link[1].to", "# again", "link agency.aa -> agency.bb is already defined by link[0].to"},
    // References.
    {"ReportUnknownAgency", "agency = \"agency.aa\"\nsource", "agency = \"agency.cc\"\nsource",
     "report[0].agency", "agency.cc", "unknown agency \"agency.cc\""},
    {"ReportUnknownSource", "source = \"aa.insider-1\"", "source = \"aa.insider-2\"",
     "report[0].source", "aa.insider-2",
     "agency.aa has no source \"aa.insider-2\" (did you mean \"aa.insider-1\"?)"},
    {"ReportUnknownPlot", "plot = \"plot.north\"", "plot = \"plot.south\"", "report[0].plot",
     "plot.south", "unknown plot \"plot.south\""},
    {"UnitUnknownAgency", "agency = \"agency.aa\"\narea", "agency = \"agency.zz\"\narea",
     "unit[0].agency", "agency.zz", "unknown agency \"agency.zz\""},
    {"UnitAgencyIsTheBroker", "agency = \"agency.aa\"\narea", "agency = \"broker\"\narea",
     "unit[0].agency", "agency = \"broker\"", "\"broker\" is not an agency"},
    {"PartnerUnknownAgency", "agency = \"agency.bb\"\ntrust", "agency = \"agency.cc\"\ntrust",
     "agency[0].partner[0].agency", "agency.cc", "unknown agency"},
    {"PartnerItself", "agency = \"agency.bb\"\ntrust", "agency = \"agency.aa\"\ntrust",
     "agency[0].partner[0].agency", "agency = \"agency.aa\"\ntrust", "its own partner"},
    {"LinkUnknownEndpoint", "to = \"agency.bb\"", "to = \"unit.south\"", "link[0].to", "unit.south",
     "unknown node \"unit.south\""},
    {"LinkToItself", "to = \"agency.bb\"", "to = \"agency.aa\"", "link[0].to", "to = \"agency.aa\"",
     "from a node to itself"},
    {"PlotAreaNoUnitCovers", "area = \"north\"\nsite", "area = \"nrth\"\nsite", "plot[0].area",
     "nrth", "no unit covers area \"nrth\" (did you mean \"north\"?)"},
    // The centre's standby.
    {"StandbyWithoutJournal", "[broker]\n", "[broker]\nstandby = \"broker.b\"\n", "broker.standby",
     "standby", "needs journal = true"},
    {"StandbyBadName", "[broker]\n", "[broker]\njournal = true\nstandby = \"spare\"\n",
     "broker.standby", "standby", "must be broker.<name>"},
    {"StandbyNamedLikeTheCentre", "[broker]\n",
     "[broker]\nname = \"broker.main\"\njournal = true\nstandby = \"broker.main\"\n",
     "broker.standby", "standby", "already"},
    {"FailoverAfterNegative", "[broker]\n",
     "[broker]\njournal = true\nstandby = \"broker.b\"\nfailover_after_h = -1\n",
     "broker.failover_after_h", "failover_after_h", "must be at least 0"},
};

INSTANTIATE_TEST_SUITE_P(Cases, BadScenarioTest, testing::ValuesIn(kBadCases),
                         [](const testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

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
namespace {

TEST(FaultScheduleTest, ReadsEachCommandWithItsParameters) {
  const Scenario scenario = load_text(std::string(kMinimal) + R"(
[[fault]]
at_h = 10
node = "agency.aa"
command = "partition"
peers = ["agency.bb"]
for_h = 5

[[fault]]
at_h = 12
node = "agency.bb"
command = "link"
peer = "agency.aa"
loss_probability = 0.5
delay_h = 3

[[fault]]
at_h = 20
node = "agency.aa"
command = "crash"
restart_after_h = 4
)");
  ASSERT_EQ(scenario.faults.size(), 3u);
  const FaultSpec& partition = scenario.faults[0];
  EXPECT_EQ(partition.at_h, 10);
  EXPECT_EQ(partition.command, "partition");
  ASSERT_EQ(partition.request.partition().peers_size(), 1);
  EXPECT_EQ(partition.request.partition().peers(0), "agency.bb");
  EXPECT_EQ(partition.for_h, 5.0);
  EXPECT_EQ(partition.request.issued_by(), "schedule");
  const v1::SetLink& link = scenario.faults[1].request.link();
  EXPECT_EQ(link.peer(), "agency.aa");
  EXPECT_EQ(link.loss_probability(), 0.5);
  EXPECT_EQ(link.delay_h(), 3);
  EXPECT_FALSE(link.has_jitter_h());
  EXPECT_TRUE(scenario.faults[2].request.has_crash());
  EXPECT_EQ(scenario.faults[2].restart_after_h, 4.0);
}

TEST(FaultScheduleTest, AKeyThatDoesNotFitTheCommandIsAnErrorWithItsLine) {
  const std::string text = std::string(kMinimal) + R"(
[[fault]]
at_h = 10
node = "agency.aa"
command = "crash"
peers = ["agency.bb"]
)";
  const ScratchFile file(text);
  const std::string error = load_error(file.path());
  EXPECT_NE(error.find(":" + std::to_string(line_of(text, "peers = [")) + ": fault[0].peers: "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("does not apply to command \"crash\""), std::string::npos) << error;
}

TEST(FaultScheduleTest, TheStandbyTakesOnlyDeathsAndIsNoPeer) {
  const std::string with_standby =
      mutated("[broker]\n", "[broker]\njournal = true\nstandby = \"broker.b\"\n");
  const ScratchFile kill(with_standby +
                         "[[fault]]\nat_h = 1\nnode = \"broker.b\"\ncommand = \"kill\"\n"
                         "restart_after_h = 2\n");
  EXPECT_EQ(load_error(kill.path()), "");
  EXPECT_EQ(load_scenario(kill.path()).process_names().back(), "broker.b");
  EXPECT_EQ(load_scenario(kill.path()).broker.failover_after_h, 0.25);
  const ScratchFile pause(with_standby +
                          "[[fault]]\nat_h = 1\nnode = \"broker.b\"\ncommand = \"pause\"\n");
  EXPECT_NE(load_error(pause.path()).find("takes only kill, stop and crash"), std::string::npos)
      << load_error(pause.path());
  const ScratchFile link(with_standby +
                         "[[fault]]\nat_h = 1\nnode = \"agency.aa\"\ncommand = \"link\"\n"
                         "peer = \"broker.b\"\ndelay_h = 1\n");
  EXPECT_NE(load_error(link.path()).find("is the centre's standby"), std::string::npos)
      << load_error(link.path());
}

TEST(FaultScheduleTest, UnknownCommandOrNodeIsAnError) {
  const ScratchFile bad_command(std::string(kMinimal) +
                                "[[fault]]\nat_h = 1\nnode = \"agency.aa\"\ncommand = \"crush\"\n");
  EXPECT_NE(load_error(bad_command.path()).find("unknown fault command \"crush\""),
            std::string::npos)
      << load_error(bad_command.path());
  const ScratchFile bad_node(std::string(kMinimal) +
                             "[[fault]]\nat_h = 1\nnode = \"agency.zz\"\ncommand = \"crash\"\n");
  EXPECT_NE(load_error(bad_node.path()).find("fault[0].node"), std::string::npos)
      << load_error(bad_node.path());
}

}  // namespace
}  // namespace tearline
