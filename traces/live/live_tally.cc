#include "traces/live/live_tally.h"

#include <algorithm>
#include <set>

#include "traces/report/crash_losses.h"
#include "traces/report/json_fields.h"
#include "traces/report/plot_outcomes.h"

namespace tearline::live {
namespace {

using nlohmann::json;

constexpr std::string_view kIntakePrefix = "intake@";

bool changes_depth(const std::string& kind) {
  return kind == "queued" || kind == "dequeued" || kind == "served" || kind == "expired";
}

}  // namespace

void LiveTally::add(const report::Event& event) {
  ++events_;
  if (event.kind == "run" && event.run.is_object()) run_info_ = event.run;
  if (event.node != "launcher") now_h_ = std::max(now_h_, event.t_h);
  handoffs_.add(event);
  if (changes_depth(event.kind) &&
      report::classify_handoff(event.handoff).type == report::HandoffType::kQueue) {
    depth_msgs_[event.handoff] = event.depth.value_or(0);
  }
  if (event.handoff.starts_with(kIntakePrefix)) {
    if (event.kind == "delivered") {
      deliveries_.push_back({event.msg, event.handoff.substr(kIntakePrefix.size()), event.trace,
                             event.t_h, report::has_actionable_detail(event.detail)});
    } else if (event.kind == "acted") {
      acted_actionable_.try_emplace(event.msg, event.actionable);
    }
  }
}

json LiveTally::plot_states() const {
  json result = json::array();
  if (!run_info_.is_object()) return result;
  struct Unit {
    std::string area;
    double response_h = 0;
  };
  std::map<std::string, Unit> units;
  if (const auto list = run_info_.find("units"); list != run_info_.end() && list->is_array()) {
    for (const json& unit : *list) {
      if (unit.is_object()) {
        units[report::string_field(unit, "name")] = {report::string_field(unit, "area"),
                                                     report::number_field(unit, "response_h")};
      }
    }
  }
  const auto plots = run_info_.find("plots");
  if (plots == run_info_.end() || !plots->is_array()) return result;
  for (const json& plot : *plots) {
    if (!plot.is_object()) continue;
    const std::string area = report::string_field(plot, "area");
    const double attack_h = report::number_field(plot, "attack_h");
    std::set<std::string> traces;
    if (const auto ids = plot.find("trace_ids"); ids != plot.end() && ids->is_array()) {
      for (const json& id : *ids) {
        if (id.is_string()) traces.insert(id.get<std::string>());
      }
    }
    int64_t warnings = 0;
    bool averted = false;
    for (const Delivery& delivery : deliveries_) {
      const auto unit = units.find(delivery.unit);
      if (unit == units.end() || unit->second.area != area || !traces.contains(delivery.trace)) {
        continue;
      }
      ++warnings;
      const auto acted = acted_actionable_.find(delivery.msg);
      const bool actionable =
          acted != acted_actionable_.end() ? acted->second : delivery.actionable_detail;
      averted |= actionable && delivery.at_h <= attack_h - unit->second.response_h;
    }
    result.push_back({{"id", report::string_field(plot, "id")},
                      {"area", area},
                      {"attack_h", attack_h},
                      {"state", averted        ? "actionable"
                                : warnings > 0 ? "thin"
                                               : "none"},
                      {"warnings", warnings}});
  }
  return result;
}

json LiveTally::snapshot() const {
  json handoffs = json::array();
  for (const auto& [name, row] : handoffs_.rows()) {
    json lost = json::object();
    size_t lost_total = 0;
    for (const auto& [reason, messages] : row.lost) {
      lost[reason] = messages.size();
      lost_total += messages.size();
    }
    const auto depth = depth_msgs_.find(name);
    const bool queue = row.name.type == report::HandoffType::kQueue;
    handoffs.push_back(
        {{"name", name},
         {"type", report::type_name(row.name.type)},
         {"in", row.in.size()},
         {"out", row.out.size()},
         {"lost", std::move(lost)},
         {"lost_total", lost_total},
         {"in_flight", row.in_flight.size()},
         {"depth", queue ? json(depth == depth_msgs_.end() ? 0u : depth->second) : json(nullptr)}});
  }
  const json duration =
      run_info_.is_object() ? json(report::number_field(run_info_, "duration_h")) : json(nullptr);
  return {{"now_h", now_h_},
          {"duration_h", duration},
          {"start_iso", report::string_field(run_info_, "start_iso")},
          {"events", events_},
          {"handoffs", std::move(handoffs)},
          {"plots", plot_states()}};
}

LiveTally final_tally(const std::filesystem::path& mode_dir, std::vector<std::string>* warnings) {
  report::ModeTraces traces = report::read_mode(mode_dir, warnings);
  report::add_launcher_deaths(&traces);
  report::add_crash_losses(&traces.events);
  LiveTally tally;
  for (const report::Event& event : traces.events) tally.add(event);
  return tally;
}

}  // namespace tearline::live
