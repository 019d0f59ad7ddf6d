// Times, names and references in a scenario file: moments in scenario time,
// node names and their uniqueness, and references to nodes, agencies and
// peers that must name one the file defines.

#include <algorithm>

#include "scenario/scenario_reading.h"

namespace tearline::scenario_reading {
namespace {

constexpr double kSecondsPerHour = 3600;

}  // namespace

std::optional<double> read_time_h(const TomlTable& table, std::string_view key,
                                  int64_t start_unix_s) {
  const std::optional<double> seconds = table.time_s(key);
  if (!seconds) return std::nullopt;
  return (*seconds - static_cast<double>(start_unix_s)) / kSecondsPerHour;
}

double read_moment_h(const TomlTable& table, std::string_view date_key, std::string_view hours_key,
                     const Scenario& scenario) {
  const double duration_h = scenario.duration_h;
  const std::optional<double> by_date = read_time_h(table, date_key, scenario.start_unix_s);
  const std::optional<double> by_hours = table.number(hours_key);
  if (by_date && by_hours) {
    table.fail(hours_key,
               "give " + std::string(date_key) + " or " + std::string(hours_key) + ", not both");
  }
  if (!by_date && !by_hours) {
    table.fail(date_key, "required key is missing (or give " + std::string(hours_key) + ")");
  }
  const std::string_view key = by_date ? date_key : hours_key;
  const double at_h = by_date ? *by_date : *by_hours;
  if (at_h < 0) table.fail(key, "is " + show_number(-at_h) + " h before the scenario start");
  if (at_h > duration_h) {
    table.fail(key, "is " + show_number(at_h - duration_h) + " h after the scenario end (hour " +
                        show_number(duration_h) + ")");
  }
  return at_h;
}

void claim_unique(NamePlaces& seen, const TomlTable& table, std::string_view key,
                  const std::string& value) {
  const auto [earlier, added] = seen.emplace(value, table.where(key));
  if (!added) {
    table.fail(key, in_quotes(value) + " is already the " + std::string(key) + " of " +
                        earlier->second.key + " (line " +
                        std::to_string(earlier->second.region.begin.line) + ")");
  }
}

bool valid_node_name(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
  return std::all_of(
      name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
}

void check_node_ref(const TomlTable& table, std::string_view key, const std::string& name,
                    const NamePlaces& nodes) {
  if (nodes.count(name) != 0) return;
  std::vector<std::string> names;
  for (const auto& [node, where] : nodes) names.push_back(node);
  table.fail(key, "unknown node " + in_quotes(name) + did_you_mean(name, names, "nodes"));
}

void check_agency_ref(const TomlTable& table, std::string_view key, const std::string& name,
                      const Scenario& scenario, const NamePlaces& nodes) {
  if (scenario.agency(name) != nullptr) return;
  std::vector<std::string> names;
  for (const AgencySpec& agency : scenario.agencies) names.push_back(agency.name);
  table.fail(key, (nodes.count(name) != 0 ? in_quotes(name) + " is not an agency"
                                          : "unknown agency " + in_quotes(name)) +
                      did_you_mean(name, names, "agencies"));
}

void check_peer_ref(const TomlTable& table, std::string_view key, const std::string& name,
                    const Scenario& scenario, const NamePlaces& nodes) {
  check_node_ref(table, key, name, nodes);
  if (name == scenario.broker.standby) {
    table.fail(key, in_quotes(name) + " is the centre's standby: name the centre, " +
                        in_quotes(scenario.broker.name));
  }
}

}  // namespace tearline::scenario_reading
