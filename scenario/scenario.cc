// Questions asked of a scenario once read: its nodes and processes, the link
// between two nodes, who keeps a journal, the areas units cover.

#include "scenario/scenario.h"

#include <algorithm>

namespace tearline {

const AgencySpec* Scenario::agency(const std::string& node_name) const {
  const auto it = std::find_if(agencies.begin(), agencies.end(), [&](const AgencySpec& candidate) {
    return candidate.name == node_name;
  });
  return it == agencies.end() ? nullptr : &*it;
}

const UnitSpec* Scenario::unit(const std::string& node_name) const {
  const auto it = std::find_if(units.begin(), units.end(), [&](const UnitSpec& candidate) {
    return candidate.name == node_name;
  });
  return it == units.end() ? nullptr : &*it;
}

bool Scenario::has_node(const std::string& name) const {
  return name == broker.name || agency(name) != nullptr || unit(name) != nullptr ||
         std::binary_search(units_named_only.begin(), units_named_only.end(), name);
}

LinkSpec Scenario::link(const std::string& from, const std::string& to) const {
  const auto it = std::find_if(links.begin(), links.end(), [&](const LinkSpec& candidate) {
    return candidate.from == from && candidate.to == to;
  });
  if (it != links.end()) return *it;
  LinkSpec fallback = link_default;
  fallback.from = from;
  fallback.to = to;
  return fallback;
}

std::vector<std::string> Scenario::unit_areas() const {
  std::vector<std::string> areas;
  for (const UnitSpec& unit : units) areas.push_back(unit.area);
  std::sort(areas.begin(), areas.end());
  areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
  return areas;
}

std::vector<std::string> Scenario::described_node_names() const {
  std::vector<std::string> names;
  for (const AgencySpec& agency : agencies) names.push_back(agency.name);
  names.push_back(broker.name);
  for (const UnitSpec& unit : units) names.push_back(unit.name);
  return names;
}

std::vector<std::string> Scenario::node_names() const {
  std::vector<std::string> names = described_node_names();
  names.insert(names.end(), units_named_only.begin(), units_named_only.end());
  return names;
}

std::vector<std::string> Scenario::process_names() const {
  std::vector<std::string> names = node_names();
  if (!broker.standby.empty()) names.push_back(broker.standby);
  return names;
}

std::vector<std::string> Scenario::described_process_names() const {
  std::vector<std::string> names = described_node_names();
  if (!broker.standby.empty()) names.push_back(broker.standby);
  return names;
}

bool Scenario::journaled(const std::string& node) const {
  if (node == broker.name) return broker.journal;
  if (const AgencySpec* spec = agency(node)) return spec->journal;
  if (const UnitSpec* spec = unit(node)) return spec->journal;
  return false;
}

std::string Scenario::country_of(const std::string& node) const {
  if (const AgencySpec* spec = agency(node)) return spec->country;
  if (const UnitSpec* spec = unit(node)) return country_of(spec->agency);
  return "";
}

}  // namespace tearline
