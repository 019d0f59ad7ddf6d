// Cutting a scenario into its nodes' parts (the launcher) and reading a part
// back with the run's roster (a node).

#include "scenario/scenario_part.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scenario/scenario_overlay.h"
#include "scenario/scenario_reading.h"

namespace tearline {
namespace {

std::string string_at(const toml::table& table, std::string_view key) {
  return table[key].value_or(std::string());
}

// The tables of the array `key` of `document`, each with its index.
template <typename Visit>
void each_table(const toml::table& document, std::string_view key, Visit visit) {
  const toml::array* array = document[key].as_array();
  if (array == nullptr) return;
  for (const toml::node& element : *array) {
    if (const toml::table* table = element.as_table()) visit(*table);
  }
}

void put_tables(toml::table& part, std::string_view key,
                const std::vector<const toml::table*>& tables) {
  if (tables.empty()) return;
  toml::array array;
  for (const toml::table* table : tables) array.push_back(*table);
  part.insert(key, std::move(array));
}

}  // namespace

v1::Roster roster_of(const Scenario& scenario) {
  v1::Roster roster;
  for (const AgencySpec& agency : scenario.agencies) {
    v1::RosterAgency& entry = *roster.add_agencies();
    entry.set_name(agency.name);
    for (const PartnerSpec& partner : agency.partners) entry.add_partners(partner.agency);
    entry.set_journal(agency.journal);
    entry.set_country(agency.country);
  }
  for (const UnitSpec& unit : scenario.units) {
    v1::RosterUnit& entry = *roster.add_units();
    entry.set_name(unit.name);
    entry.set_agency(unit.agency);
    entry.set_area(unit.area);
    entry.set_journal(unit.journal);
  }
  return roster;
}

v1::Roster load_roster(const std::string& path) {
  std::error_code error;
  const uintmax_t bytes = std::filesystem::file_size(path, error);
  std::ifstream in(path, std::ios::binary);
  if (error || !in) throw ScenarioError(path + ": cannot read the roster");
  // Read no further than the bound, whatever the size said.
  std::string text(std::min<uintmax_t>(bytes, kRosterBytesMax + 1), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  v1::Roster roster;
  if (bytes > kRosterBytesMax || !roster.ParseFromString(text)) {
    throw ScenarioError(path + ": not a roster of at most " + std::to_string(kRosterBytesMax) +
                        " bytes");
  }
  return roster;
}

ScenarioParts::ScenarioParts(const std::string& scenario_path) {
  try {
    document_ = resolve_scenario_file(scenario_path).table;
  } catch (const TomlError& error) {
    throw ScenarioError(error.what());
  }
  // Checked as a whole file is, from the one document the parts are cut from.
  roster_ = roster_of(scenario_reading::parse_document(document_, scenario_path));
  for (std::string_view kind : {"agency", "unit"}) {
    each_table(document_, kind,
               [&](const toml::table& table) { node_tables_[string_at(table, "name")] = &table; });
  }
  each_table(document_, "link", [&](const toml::table& table) {
    const std::string from = string_at(table, "from");
    const std::string to = string_at(table, "to");
    links_[from].push_back(&table);
    links_[to].push_back(&table);
  });
  each_table(document_, "report", [&](const toml::table& table) {
    reports_[string_at(table, "agency")].push_back(&table);
  });
  each_table(document_, "plot",
             [&](const toml::table& table) { plots_[string_at(table, "id")] = &table; });
  // Units a unit's links reach are described to every unit.
  std::set<std::string> reached;
  for (const auto& [node, links] : links_) {
    if (!node.starts_with("unit.")) continue;
    for (const toml::table* link : links) {
      for (std::string_view end : {"from", "to"}) {
        if (const std::string name = string_at(*link, end); name != node) reached.insert(name);
      }
    }
  }
  *unit_roster_.mutable_agencies() = roster_.agencies();
  std::vector<std::string> named_only;
  for (const v1::RosterUnit& unit : roster_.units()) {
    if (reached.contains(unit.name())) {
      *unit_roster_.add_units() = unit;
    } else {
      named_only.push_back(unit.name());
    }
  }
  std::sort(named_only.begin(), named_only.end());
  for (std::string& name : named_only) unit_roster_.add_units_named_only(std::move(name));
}

std::string ScenarioParts::part_of(const std::string& node) const {
  toml::table part;
  // The run's settings and the centre's table: every node asks of the centre.
  for (std::string_view key : {"scenario", "link_default", "broker"}) {
    if (const toml::table* table = document_[key].as_table()) part.insert(key, *table);
  }
  if (const auto own = node_tables_.find(node); own != node_tables_.end()) {
    put_tables(part, node.starts_with("agency.") ? "agency" : "unit", {own->second});
  }
  const auto links = links_.find(node);
  if (links != links_.end()) put_tables(part, "link", links->second);
  const auto reports = reports_.find(node);
  if (reports != reports_.end()) {
    put_tables(part, "report", reports->second);
    std::vector<const toml::table*> plots;
    for (const toml::table* report : reports->second) {
      const auto plot = plots_.find(string_at(*report, "plot"));
      if (plot != plots_.end() &&
          std::find(plots.begin(), plots.end(), plot->second) == plots.end()) {
        plots.push_back(plot->second);
      }
    }
    put_tables(part, "plot", plots);
  }
  std::ostringstream text;
  text << toml::toml_formatter(part);
  return text.str();
}

}  // namespace tearline
