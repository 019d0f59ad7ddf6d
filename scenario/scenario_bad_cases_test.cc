// One mutation of a valid scenario per mistake a user can make: each error
// names the file, the line and the key, and says what is wrong.
#include <gtest/gtest.h>

#include "scenario/scenario.h"
#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

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
    // The centre's handling caveats.
    {"HonourTlpNotABoolean", "[broker]\n", "[broker]\nhonour_tlp = \"no\"\n", "broker.honour_tlp",
     "honour_tlp", "a boolean"},
};

INSTANTIATE_TEST_SUITE_P(Cases, BadScenarioTest, testing::ValuesIn(kBadCases),
                         [](const testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace tearline
