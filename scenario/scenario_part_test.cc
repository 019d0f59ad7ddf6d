// A node's part of a scenario with the run's roster answers what the node
// asks as the whole file does; a part or roster that does not fit is refused.
#include "scenario/scenario_part.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

std::vector<std::string> partners(const AgencySpec* agency) {
  std::vector<std::string> names;
  if (agency != nullptr) {
    for (const PartnerSpec& partner : agency->partners) names.push_back(partner.agency);
  }
  return names;
}

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

bool named_only(const Scenario& part, const std::string& unit) {
  return std::find(part.units_named_only.begin(), part.units_named_only.end(), unit) !=
         part.units_named_only.end();
}

// What `node` may ask of the scenario: the same from its part as from the
// whole; a unit knows the units it does not deal with by name only.
void expect_same_for(const Scenario& whole, const Scenario& part, const std::string& node) {
  SCOPED_TRACE(whole.name + ", " + node);
  EXPECT_EQ(part.name, whole.name);
  EXPECT_EQ(part.start_unix_s, whole.start_unix_s);
  EXPECT_EQ(part.duration_h, whole.duration_h);
  EXPECT_EQ(sorted(part.process_names()), sorted(whole.process_names()));
  if (whole.unit(node) == nullptr) {
    EXPECT_TRUE(part.units_named_only.empty());
    EXPECT_EQ(part.unit_areas(), whole.unit_areas());  // Background reports draw from them.
  }
  EXPECT_EQ(part.broker.standby, whole.broker.standby);
  EXPECT_EQ(part.broker.honour_tlp, whole.broker.honour_tlp);
  EXPECT_EQ(part.broker.resend_interval_h, whole.broker.resend_interval_h);
  EXPECT_EQ(part.broker.background.rate_per_h, whole.broker.background.rate_per_h);
  for (const std::string& other : whole.node_names()) {
    if (named_only(part, other)) {
      EXPECT_NE(whole.unit(other), nullptr) << other;
      EXPECT_EQ(part.unit(other), nullptr) << other;
      EXPECT_FALSE(std::any_of(whole.links.begin(), whole.links.end(), [&](const LinkSpec& link) {
        return (link.from == node && link.to == other) || (link.from == other && link.to == node);
      })) << other;  // Named only: no link between them.
      continue;
    }
    EXPECT_EQ(part.journaled(other), whole.journaled(other)) << other;
    EXPECT_EQ(part.country_of(other), whole.country_of(other)) << other;
    EXPECT_EQ(part.agency(other) != nullptr, whole.agency(other) != nullptr) << other;
    EXPECT_EQ(partners(part.agency(other)), partners(whole.agency(other))) << other;
    if (const UnitSpec* unit = whole.unit(other)) {
      ASSERT_NE(part.unit(other), nullptr) << other;
      EXPECT_EQ(part.unit(other)->agency, unit->agency);
      EXPECT_EQ(part.unit(other)->area, unit->area);
    }
    for (const auto& [from, to] : {std::pair(node, other), std::pair(other, node)}) {
      EXPECT_EQ(part.link(from, to).delay.least_h(), whole.link(from, to).delay.least_h());
      EXPECT_EQ(part.link(from, to).loss.probability, whole.link(from, to).loss.probability);
    }
  }
  if (const AgencySpec* own = whole.agency(node)) {
    EXPECT_EQ(part.agency(node)->sources.size(), own->sources.size());
    EXPECT_EQ(part.agency(node)->background.rate_per_h, own->background.rate_per_h);
    EXPECT_EQ(part.agency(node)->desk.workers, own->desk.workers);
    size_t own_reports = 0;
    for (const ReportSpec& report : whole.reports) own_reports += report.agency == node;
    EXPECT_EQ(part.reports.size(), own_reports);
  } else {
    EXPECT_TRUE(part.reports.empty());
  }
  if (const UnitSpec* own = whole.unit(node)) {
    EXPECT_EQ(part.unit(node)->response_h, own->response_h);
    EXPECT_EQ(part.unit(node)->poll_interval_h, own->poll_interval_h);
    EXPECT_EQ(part.unit(node)->intake.capacity_msgs, own->intake.capacity_msgs);
  }
  EXPECT_TRUE(part.faults.empty());  // The launcher's, not a node's.
}

TEST(ScenarioPartTest, EveryNodesPartAnswersAsTheWholeFile) {
  for (const char* name : {"small", "manchester-2017", "manchester-2017-centre-down"}) {
    const std::string path = source_path("scenarios/" + std::string(name) + ".toml");
    const Scenario whole = load_scenario(path);
    const ScenarioParts parts(path);
    for (const std::string& node : whole.node_names()) {
      const std::string text = parts.part_of(node);
      const v1::Roster& roster = whole.unit(node) ? parts.unit_roster() : parts.roster();
      expect_same_for(whole, parse_scenario_part(text, node + ".toml", roster), node);
    }
  }
}

// The handling caveats ask every node's country (docs/MODEL.md): one the
// file sets apart from the name reaches the other nodes through the roster;
// the centre's override reaches the centre.
TEST(ScenarioPartTest, CountriesAndTheCentresCaveatsReachTheParts) {
  std::string text = mutated("name = \"agency.aa\"\n", "name = \"agency.aa\"\ncountry = \"zz\"\n");
  text.insert(text.find("[broker]\n") + sizeof "[broker]\n" - 1, "honour_tlp = false\n");
  const ScratchFile file(text);  // One at a time: named after the test.
  const Scenario whole = load_scenario(file.path());
  EXPECT_EQ(whole.country_of("agency.aa"), "zz");
  EXPECT_FALSE(whole.broker.honour_tlp);
  const ScenarioParts parts(file.path());
  for (const std::string& node : whole.node_names()) {
    const v1::Roster& roster = whole.unit(node) ? parts.unit_roster() : parts.roster();
    expect_same_for(whole, parse_scenario_part(parts.part_of(node), node + ".toml", roster), node);
  }
}

TEST(ScenarioPartTest, APartIsSmallerThanTheWhole) {
  const std::string path = source_path("scenarios/manchester-2017.toml");
  const ScenarioParts parts(path);
  const std::string unit_part = parts.part_of(load_scenario(path).units.front().name);
  EXPECT_EQ(unit_part.find("[[report]]"), std::string::npos);
  EXPECT_EQ(unit_part.find("[[agency]]"), std::string::npos);
  EXPECT_NE(unit_part.find("[[unit]]"), std::string::npos);
}

TEST(ScenarioPartTest, TheUnitsRosterDescribesOnlyTheUnitsAUnitDealsWith) {
  const std::string path = source_path("scenarios/manchester-2017.toml");
  const Scenario whole = load_scenario(path);
  const ScenarioParts parts(path);
  const v1::Roster& roster = parts.unit_roster();
  EXPECT_EQ(roster.agencies_size(), static_cast<int>(whole.agencies.size()));
  EXPECT_EQ(roster.units_size(), 0);  // Units' links reach only agencies and the centre.
  ASSERT_EQ(roster.units_named_only_size(), static_cast<int>(whole.units.size()));
  EXPECT_TRUE(std::is_sorted(roster.units_named_only().begin(), roster.units_named_only().end()));
  EXPECT_EQ(parts.roster().units_size(), static_cast<int>(whole.units.size()));
  EXPECT_EQ(parts.roster().units_named_only_size(), 0);
  // A unit's part with it: its own table described, every other unit named.
  const Scenario unit = parse_scenario_part(parts.part_of("unit.manchester"), "part.toml", roster);
  ASSERT_EQ(unit.units.size(), 1u);
  EXPECT_EQ(unit.units[0].name, "unit.manchester");
  EXPECT_EQ(unit.units_named_only.size(), whole.units.size() - 1);
  EXPECT_FALSE(std::binary_search(unit.units_named_only.begin(), unit.units_named_only.end(),
                                  std::string("unit.manchester")));
  for (const UnitSpec& other : whole.units) EXPECT_TRUE(unit.has_node(other.name)) << other.name;
  EXPECT_FALSE(unit.has_node("unit.nowhere"));
}

TEST(ScenarioPartTest, ARosterThatDoesNotFitIsRefused) {
  const std::string path = source_path("scenarios/small.toml");
  const Scenario whole = load_scenario(path);
  const ScenarioParts parts(path);
  const std::string node = whole.units.front().name;
  const std::string text = parts.part_of(node);
  const auto refused = [&](const v1::Roster& roster, const std::string& why) {
    try {
      parse_scenario_part(text, "part.toml", roster);
      ADD_FAILURE() << "accepted a roster where " << why;
    } catch (const ScenarioError& error) {
      EXPECT_NE(std::string(error.what()).find(why), std::string::npos) << error.what();
    }
  };
  using Mutation = std::function<void(v1::Roster&)>;
  const std::vector<std::pair<Mutation, std::string>> cases = {
      {[](v1::Roster& roster) { roster.mutable_units()->DeleteSubrange(0, 1); },
       "is not in the roster"},
      {[](v1::Roster& roster) { *roster.add_agencies() = roster.agencies(0); }, "is named twice"},
      {[](v1::Roster& roster) { roster.mutable_agencies(0)->add_partners("agency.nowhere"); },
       "unknown partner"},
      {[](v1::Roster& roster) { roster.mutable_units(1)->set_agency("agency.nowhere"); },
       "unknown agency"},
      {[](v1::Roster& roster) { roster.mutable_units(1)->set_name("unit.Bad Name"); },
       "not a node name"},
      {[](v1::Roster& roster) { roster.mutable_units(0)->set_area("elsewhere"); },
       "differs from its table"},
      {[](v1::Roster& roster) {
         for (int i = 0; i < 4000; ++i) *roster.add_units() = roster.units(1);
       },
       "more than 4000 nodes"},
      {[](v1::Roster& roster) { roster.add_units_named_only(roster.units(1).name()); },
       "is named twice"},
      {[](v1::Roster& roster) { roster.add_units_named_only("agency.aa"); }, "not a node name"},
      {[](v1::Roster& roster) {
         roster.add_units_named_only("unit.zz");
         roster.add_units_named_only("unit.yy");
       },
       "not sorted"},
      {[](v1::Roster& roster) {
         roster.add_units_named_only("unit.zz");
         roster.add_units_named_only("unit.zz");
       },
       "not sorted, each once"},
  };
  for (const auto& [mutate, why] : cases) {
    v1::Roster roster = parts.roster();
    mutate(roster);
    refused(roster, why);
  }
}

TEST(ScenarioPartTest, ARosterFileIsBounded) {
  const ScratchFile not_a_roster("not a roster");
  EXPECT_THROW(load_roster(not_a_roster.path()), ScenarioError);
  EXPECT_THROW(load_roster(not_a_roster.path() + ".none"), ScenarioError);
  const ScratchFile too_large(std::string(kRosterBytesMax + 1, '\0'));
  EXPECT_THROW(load_roster(too_large.path()), ScenarioError);
}

}  // namespace
}  // namespace tearline
