#include "traces/report/plot_outcomes.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "traces/report/iso_time.h"
#include "traces/report/json_fields.h"
#include "traces/report/message_paths.h"

namespace tearline::report {
namespace {

using nlohmann::json;

constexpr std::string_view kIntakePrefix = "intake@";

struct Unit {
  std::string area;
  double response_h = 0;
};

// A warning: a plot message delivered at a unit's intake.
struct Warning {
  const Event* delivered = nullptr;
  std::string unit;
  std::string trace;
  std::vector<std::string> detail;
  bool actionable = false;
};

// The detail of the latest event of `message` that lists any.
std::vector<std::string> detail_of(const Message& message) {
  for (auto it = message.events.rbegin(); it != message.events.rend(); ++it) {
    if (!(*it)->detail.empty()) return (*it)->detail;
  }
  return {};
}

std::vector<Warning> unit_deliveries(const std::vector<Event>& events, const MessageIndex& index) {
  std::vector<Warning> warnings;
  for (const Event& event : events) {
    if (event.kind != "delivered" || !event.handoff.starts_with(kIntakePrefix)) continue;
    const Message* message = index.find(event.msg);
    if (message == nullptr) continue;
    Warning warning;
    warning.delivered = &event;
    warning.unit = event.handoff.substr(kIntakePrefix.size());
    warning.trace = event.trace.empty() ? index.trace_of(event.msg) : event.trace;
    warning.detail = event.detail.empty() ? detail_of(*message) : event.detail;
    const auto acted = std::find_if(message->events.begin(), message->events.end(),
                                    [](const Event* e) { return e->kind == "acted"; });
    warning.actionable = acted != message->events.end() ? (*acted)->actionable
                                                        : has_actionable_detail(warning.detail);
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

// Copies of the plot's traces that ended lost or in flight, grouped by where.
json lost_at(const MessageIndex& index, const std::set<std::string>& traces) {
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int64_t> groups;
  for (const auto& [id, message] : index.messages()) {
    if (message.fate != Fate::kLost && message.fate != Fate::kInFlight) continue;
    if (!traces.contains(index.trace_of(id))) continue;
    const Event& end = *message.end;
    const std::string fate = message.fate == Fate::kLost ? "lost" : "in_flight";
    ++groups[{end.handoff, end.node, fate == "lost" ? loss_reason(end) : end.reason, fate}];
  }
  json result = json::array();
  for (const auto& [key, count] : groups) {
    const auto& [handoff, node, reason, fate] = key;
    result.push_back({{"handoff", handoff},
                      {"node", node},
                      {"reason", reason},
                      {"fate", fate},
                      {"count", count}});
  }
  return result;
}

// Copies of the plot's traces that lost detail on the way (tearline copies),
// grouped by where and what was left.
json degraded_at(const std::vector<Event>& events, const MessageIndex& index,
                 const std::set<std::string>& traces) {
  std::map<std::tuple<std::string, std::string, std::string, std::vector<std::string>>, int64_t>
      groups;
  for (const Event& event : events) {
    if (event.kind != "sanitised") continue;
    if (!traces.contains(event.trace.empty() ? index.trace_of(event.msg) : event.trace)) continue;
    ++groups[{event.handoff, event.node, event.peer, event.detail}];
  }
  json result = json::array();
  for (const auto& [key, count] : groups) {
    const auto& [handoff, node, peer, detail] = key;
    result.push_back({{"handoff", handoff},
                      {"node", node},
                      {"for", peer},
                      {"detail_left", detail},
                      {"count", count}});
  }
  return result;
}

json plot_json(const json& plot, const std::string& start_iso,
               const std::map<std::string, Unit>& units, const std::vector<Warning>& deliveries,
               const std::vector<Event>& events, const MessageIndex& index) {
  const std::string area = string_field(plot, "area");
  const double attack_h = number_field(plot, "attack_h");
  std::set<std::string> traces;
  if (const auto ids = plot.find("trace_ids"); ids != plot.end() && ids->is_array()) {
    for (const json& id : *ids) {
      if (id.is_string()) traces.insert(id.get<std::string>());
    }
  }

  const Warning* first = nullptr;
  int64_t warning_count = 0;
  json not_actionable = json::array();
  for (const Warning& warning : deliveries) {
    const auto unit = units.find(warning.unit);
    if (unit == units.end() || unit->second.area != area || !traces.contains(warning.trace)) {
      continue;
    }
    ++warning_count;
    const double at_h = warning.delivered->t_h;
    const bool in_time = at_h <= attack_h - unit->second.response_h;
    if (warning.actionable && in_time) {
      if (first == nullptr || at_h < first->delivered->t_h) first = &warning;
      continue;
    }
    not_actionable.push_back({{"unit", warning.unit},
                              {"msg", warning.delivered->msg},
                              {"at_h", at_h},
                              {"at", iso_or_null(start_iso, at_h)},
                              {"detail", warning.detail},
                              {"actionable", warning.actionable},
                              {"in_time", in_time}});
  }

  json result = {{"id", string_field(plot, "id")},
                 {"area", area},
                 {"attack_h", attack_h},
                 {"attack_at", iso_or_null(start_iso, attack_h)},
                 {"averted", first != nullptr},
                 {"warnings", warning_count},
                 {"first_actionable_at", nullptr},
                 {"first_actionable_at_h", nullptr},
                 {"first_actionable_unit", nullptr},
                 {"first_actionable_msg", nullptr},
                 {"lead_time_h", nullptr},
                 {"path", nullptr},
                 {"lost_at", lost_at(index, traces)},
                 {"degraded_at", degraded_at(events, index, traces)},
                 {"warnings_not_actionable", not_actionable}};
  if (first != nullptr) {
    const double at_h = first->delivered->t_h;
    result["first_actionable_at"] = iso_or_null(start_iso, at_h);
    result["first_actionable_at_h"] = at_h;
    result["first_actionable_unit"] = first->unit;
    result["first_actionable_msg"] = first->delivered->msg;
    result["lead_time_h"] = attack_h - at_h;
    result["path"] = message_path(index, first->delivered->msg);
  }
  return result;
}

}  // namespace

bool has_actionable_detail(const std::vector<std::string>& detail) {
  const auto has = [&detail](std::string_view field) {
    return std::find(detail.begin(), detail.end(), field) != detail.end();
  };
  return has("subject") && (has("site") || has("window"));
}

json plot_outcomes(const std::vector<Event>& events, const MessageIndex& index,
                   const json& run_info) {
  json result = json::array();
  if (!run_info.is_object()) return result;

  std::map<std::string, Unit> units;
  if (const auto list = run_info.find("units"); list != run_info.end() && list->is_array()) {
    for (const json& unit : *list) {
      if (!unit.is_object()) continue;
      units[string_field(unit, "name")] =
          Unit{string_field(unit, "area"), number_field(unit, "response_h")};
    }
  }
  const std::string start_iso = string_field(run_info, "start_iso");
  const std::vector<Warning> deliveries = unit_deliveries(events, index);
  if (const auto plots = run_info.find("plots"); plots != run_info.end() && plots->is_array()) {
    for (const json& plot : *plots) {
      if (plot.is_object())
        result.push_back(plot_json(plot, start_iso, units, deliveries, events, index));
    }
  }
  return result;
}

}  // namespace tearline::report
