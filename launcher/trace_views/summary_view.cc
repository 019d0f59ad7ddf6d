// trace summary: events per node and kind, the time span, messages by fate.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "launcher/report/text_table.h"
#include "launcher/trace_views/trace_views.h"
#include "launcher/trace_views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::Column;
using report::Event;
using report::TextTable;
using trace_views::LoadedMode;
using trace_views::LoadedRun;

// Rows are kinds, columns nodes; when that is too wide, one row per
// (node, kind).
std::string kind_table(const std::vector<const Event*>& events) {
  std::set<std::string> nodes;
  std::map<std::string, std::map<std::string, size_t>> count_by_kind_node;
  for (const Event* event : events) {
    nodes.insert(event->node);
    ++count_by_kind_node[event->kind][event->node];
  }
  std::vector<Column> columns = {{"kind"}};
  for (const std::string& node : nodes) columns.push_back({node, Align::kRight});
  columns.push_back({"total", Align::kRight});
  TextTable wide(columns, 2);
  for (const auto& [kind, by_node] : count_by_kind_node) {
    std::vector<std::string> cells = {kind};
    size_t total = 0;
    for (const std::string& node : nodes) {
      const auto it = by_node.find(node);
      const size_t count = it == by_node.end() ? 0 : it->second;
      cells.push_back(count == 0 ? "-" : std::to_string(count));
      total += count;
    }
    cells.push_back(std::to_string(total));
    wide.add_row(std::move(cells));
  }
  if (wide.width() <= report::kLineWidthMax) return wide.render();

  TextTable long_table({{"node", Align::kLeft, true}, {"kind"}, {"events", Align::kRight}}, 2);
  for (const std::string& node : nodes) {
    for (const auto& [kind, by_node] : count_by_kind_node) {
      const auto it = by_node.find(node);
      if (it != by_node.end()) long_table.add_row({node, kind, std::to_string(it->second)});
    }
  }
  return long_table.render();
}

std::string time_span(const LoadedMode& mode, const std::vector<const Event*>& events) {
  const auto [first, last] = std::minmax_element(
      events.begin(), events.end(), [](const Event* a, const Event* b) { return a->t_h < b->t_h; });
  std::string text =
      fmt::format("  scenario time  {} .. {}\n", trace_views::hours_with_date(mode, (*first)->t_h),
                  trace_views::hours_with_date(mode, (*last)->t_h));
  std::optional<int64_t> wall_first_ms, wall_last_ms;
  for (const Event* event : events) {
    if (!event->wall_ms) continue;
    wall_first_ms = std::min(wall_first_ms.value_or(*event->wall_ms), *event->wall_ms);
    wall_last_ms = std::max(wall_last_ms.value_or(*event->wall_ms), *event->wall_ms);
  }
  if (wall_first_ms) {
    text += fmt::format("  wall time      {} .. {} ms (span {} ms)\n", *wall_first_ms,
                        *wall_last_ms, *wall_last_ms - *wall_first_ms);
  }
  return text;
}

std::string fates(const LoadedRun& run, const LoadedMode& mode) {
  size_t delivered = 0, lost = 0, in_flight = 0, unaccounted = 0;
  std::map<std::string, size_t> lost_by_reason;
  for (const auto& [id, message] : mode.index->messages()) {
    if (!trace_views::passes(run, mode, *message.end)) continue;
    switch (message.fate) {
      case report::Fate::kDelivered:
        ++delivered;
        break;
      case report::Fate::kLost:
        ++lost;
        ++lost_by_reason[report::loss_reason(*message.end)];
        break;
      case report::Fate::kInFlight:
        ++in_flight;
        break;
      case report::Fate::kUnaccounted:
        ++unaccounted;
        break;
    }
  }
  TextTable table({{"fate"}, {"messages", Align::kRight}}, 2);
  table.add_row({"delivered", std::to_string(delivered)});
  table.add_row({"lost", std::to_string(lost)});
  for (const auto& [reason, count] : lost_by_reason) {
    table.add_row({"  " + reason, std::to_string(count)});
  }
  table.add_row({"in flight", std::to_string(in_flight)});
  table.add_row({"unaccounted", std::to_string(unaccounted)});
  return table.render();
}

std::string mode_summary(const LoadedRun& run, const LoadedMode& mode) {
  std::vector<const Event*> events;
  for (const Event& event : mode.traces.events) {
    if (trace_views::passes(run, mode, event)) events.push_back(&event);
  }
  std::string text = trace_views::heading(mode, "summary");
  if (events.empty()) return text + "  no events pass the filter\n\n";
  text += fmt::format("Events per kind and node ({} events)\n", events.size());
  text += kind_table(events) + "\n";
  text += "Time span\n" + time_span(mode, events) + "\n";
  text += "Messages by fate (where and when the fate was decided)\n" + fates(run, mode) + "\n";
  return text;
}

}  // namespace

std::string trace_summary(const std::string& run_dir, const TraceFilter& filter,
                          std::vector<std::string>* warnings) {
  const LoadedRun run = trace_views::load_run(run_dir, filter, warnings);
  std::string text;
  for (const auto& mode : run.modes) text += mode_summary(run, *mode);
  return trace_views::fit_width(text);
}

}  // namespace tearline
