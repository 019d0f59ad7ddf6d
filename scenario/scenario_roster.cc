// A node's part read with the run's roster (scenario_part.h): the agencies
// and units the part holds in full, the others as the roster gives them. The
// roster comes from outside the process: every name, reference and count is
// checked as a scenario file's would be.

#include <algorithm>
#include <map>
#include <set>

#include "scenario/scenario_reading.h"

namespace tearline::scenario_reading {
namespace {

constexpr size_t kRosterTextBytesMax = 200;  // A name, an area or a country.

[[noreturn]] void fail_roster(const std::string& file, const std::string& why) {
  fail_at(file, {"roster", {}}, why);
}

std::string shown(const std::string& text) {
  return in_quotes(text.substr(0, kRosterTextBytesMax));
}

// Claims a roster entry's name, which must be a node name with `prefix`.
void claim_roster_name(const std::string& file, NamePlaces& nodes, const std::string& name,
                       std::string_view prefix) {
  if (name.size() > kRosterTextBytesMax || !valid_node_name(name, prefix)) {
    fail_roster(file, "not a node name: " + shown(name));
  }
  if (!nodes.emplace(name, TomlPlace{"roster", {}}).second) {
    fail_roster(file, shown(name) + " is named twice");
  }
}

bool named_only(const v1::Roster& roster, const std::string& name) {
  return std::binary_search(roster.units_named_only().begin(), roster.units_named_only().end(),
                            name);
}

// The specs `read` by name; fails if the roster does not list one of them
// among `entries` or, if given, as named only (a unit's own: its part
// describes it).
template <typename Spec, typename Entries>
std::map<std::string, Spec> by_name(std::vector<Spec> read, const Entries& entries,
                                    const std::string& file,
                                    const v1::Roster* named_only_in = nullptr) {
  std::map<std::string, Spec> specs;
  for (Spec& spec : read) specs.emplace(spec.name, std::move(spec));
  std::set<std::string> listed;
  for (const auto& entry : entries) listed.insert(entry.name());
  for (const auto& [name, spec] : specs) {
    if (!listed.contains(name) && !(named_only_in && named_only(*named_only_in, name))) {
      fail_roster(file, shown(name) + " is not in the roster");
    }
  }
  return specs;
}

// The units named only: sorted and each once (so that a name is looked up
// by halving), unit names, none also described.
void check_named_only(const v1::Roster& roster, const std::string& file) {
  const auto& names = roster.units_named_only();
  for (int i = 0; i < names.size(); ++i) {
    if (names[i].size() > kRosterTextBytesMax || !valid_node_name(names[i], "unit.")) {
      fail_roster(file, "not a node name: " + shown(names[i]));
    }
    if (i > 0 && !(names[i - 1] < names[i])) {
      fail_roster(file, "the units named only are not sorted, each once, at " + shown(names[i]));
    }
  }
  for (const v1::RosterUnit& entry : roster.units()) {
    if (named_only(roster, entry.name()))
      fail_roster(file, shown(entry.name()) + " is named twice");
  }
}

}  // namespace

std::vector<AgencySpec> agencies_with_roster(std::vector<AgencySpec> read, const v1::Roster& roster,
                                             const std::string& file, NamePlaces& nodes) {
  const size_t roster_nodes = static_cast<size_t>(roster.agencies_size()) +
                              static_cast<size_t>(roster.units_size()) +
                              static_cast<size_t>(roster.units_named_only_size()) + 1;
  if (roster_nodes > kNodesMax) {
    fail_roster(file, "more than " + std::to_string(kNodesMax) + " nodes");
  }
  std::map<std::string, AgencySpec> specs = by_name(std::move(read), roster.agencies(), file);
  std::set<std::string> names;
  for (const v1::RosterAgency& entry : roster.agencies()) names.insert(entry.name());
  std::vector<AgencySpec> agencies;
  for (const v1::RosterAgency& entry : roster.agencies()) {
    if (auto spec = specs.find(entry.name()); spec != specs.end()) {
      agencies.push_back(std::move(spec->second));  // Its name was claimed as it was read.
      continue;
    }
    claim_roster_name(file, nodes, entry.name(), "agency.");
    AgencySpec agency;
    agency.name = entry.name();
    if (entry.country().size() > kRosterTextBytesMax) {
      fail_roster(file, shown(entry.name()) + " has no sound country");
    }
    agency.country =
        entry.country().empty() ? entry.name().substr(sizeof "agency." - 1) : entry.country();
    agency.journal = entry.journal();
    for (const std::string& partner : entry.partners()) {
      if (!names.contains(partner) || partner == entry.name() ||
          agency.partners.size() >= names.size()) {
        fail_roster(file, shown(entry.name()) + " has an unknown partner " + shown(partner));
      }
      agency.partners.push_back({partner, 0});  // Only the name is asked of another's partner.
    }
    agencies.push_back(std::move(agency));
  }
  return agencies;
}

std::vector<UnitSpec> units_with_roster(std::vector<UnitSpec> read, const v1::Roster& roster,
                                        const Scenario& scenario, const std::string& file,
                                        NamePlaces& nodes) {
  check_named_only(roster, file);
  std::map<std::string, UnitSpec> specs = by_name(std::move(read), roster.units(), file, &roster);
  std::set<std::string> agencies;
  for (const AgencySpec& agency : scenario.agencies) agencies.insert(agency.name);
  std::vector<UnitSpec> units;
  for (const v1::RosterUnit& entry : roster.units()) {
    if (auto spec = specs.find(entry.name()); spec != specs.end()) {
      if (spec->second.agency != entry.agency() || spec->second.area != entry.area()) {
        fail_roster(file, shown(entry.name()) + " differs from its table");
      }
      units.push_back(std::move(spec->second));
      continue;
    }
    claim_roster_name(file, nodes, entry.name(), "unit.");
    if (!agencies.contains(entry.agency())) {
      fail_roster(file, shown(entry.name()) + " has an unknown agency " + shown(entry.agency()));
    }
    if (entry.area().empty() || entry.area().size() > kRosterTextBytesMax) {
      fail_roster(file, shown(entry.name()) + " has no sound area");
    }
    UnitSpec unit;
    unit.name = entry.name();
    unit.agency = entry.agency();
    unit.area = entry.area();
    unit.journal = entry.journal();
    units.push_back(std::move(unit));
  }
  for (const auto& [name, spec] : specs) {
    if (named_only(roster, name)) units.push_back(spec);  // Its part describes it.
  }
  return units;
}

std::vector<std::string> units_named_only(const v1::Roster& roster,
                                          const std::vector<UnitSpec>& described) {
  std::vector<std::string> names;
  for (const std::string& name : roster.units_named_only()) {
    const bool is_described = std::any_of(described.begin(), described.end(),
                                          [&](const UnitSpec& unit) { return unit.name == name; });
    if (!is_described) names.push_back(name);
  }
  return names;
}

}  // namespace tearline::scenario_reading
