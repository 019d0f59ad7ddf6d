// trace node NAME: one node's events in time order and its queue depths.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "traces/report/text_table.h"
#include "traces/trace_views/trace_views.h"
#include "traces/trace_views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::Event;
using report::TextTable;
using trace_views::LoadedMode;
using trace_views::LoadedRun;

constexpr size_t kSparklineWidthMax = 40;  // Characters.

bool is_queue_event(const Event& event) {
  return event.kind == "queued" || event.kind == "dequeued" || event.kind == "served";
}

// One character per sample (or per bucket of samples, showing its deepest),
// from ' ' (empty) to '#' (the deepest overall).
std::string sparkline(const std::vector<uint32_t>& depths, uint32_t depth_max) {
  static constexpr std::string_view kLevels = " .:-=+*#";
  const size_t width = std::min(depths.size(), kSparklineWidthMax);
  std::string line;
  for (size_t i = 0; i < width; ++i) {
    const size_t begin = i * depths.size() / width;
    const size_t end = std::max(begin + 1, (i + 1) * depths.size() / width);
    const uint32_t deepest = *std::max_element(depths.begin() + static_cast<std::ptrdiff_t>(begin),
                                               depths.begin() + static_cast<std::ptrdiff_t>(end));
    const size_t level =
        depth_max == 0 ? 0 : (deepest * (kLevels.size() - 1) + depth_max - 1) / depth_max;
    line += kLevels[level];
  }
  return line;
}

std::string queue_depths(const std::vector<const Event*>& events) {
  std::map<std::string, std::vector<uint32_t>> depths_by_department;
  for (const Event* event : events) {
    if (is_queue_event(*event)) {
      depths_by_department[event->handoff].push_back(event->depth.value_or(0));
    }
  }
  if (depths_by_department.empty()) return "  no queue events\n";
  TextTable table({{"department"},
                   {"samples", Align::kRight},
                   {"min", Align::kRight},
                   {"max", Align::kRight},
                   {"mean", Align::kRight},
                   {"depth over time (messages)"}},
                  2);
  for (const auto& [department, depths] : depths_by_department) {
    const auto [min, max] = std::minmax_element(depths.begin(), depths.end());
    double sum = 0;
    for (const uint32_t depth : depths) sum += depth;
    table.add_row({department, std::to_string(depths.size()), std::to_string(*min),
                   std::to_string(*max),
                   fmt::format("{:.2f}", sum / static_cast<double>(depths.size())),
                   fmt::format("|{}|", sparkline(depths, *max))});
  }
  return table.render();
}

std::string mode_node(const LoadedRun& run, const LoadedMode& mode, const std::string& node) {
  std::vector<const Event*> events;
  for (const Event& event : mode.traces.events) {
    if (event.node == node && trace_views::passes(run, mode, event)) events.push_back(&event);
  }
  std::string text = trace_views::heading(mode.info, "node " + node);
  if (events.empty()) return text + "  no events pass the filter\n\n";
  TextTable table({{"hour", Align::kRight},
                   {"kind"},
                   {"message"},
                   {"handoff"},
                   {"peer"},
                   {"reason", Align::kLeft, true}},
                  2);
  for (const Event* event : events) {
    table.add_row({trace_views::hours(event->t_h), event->kind, event->msg, event->handoff,
                   event->peer, event->reason});
  }
  text += fmt::format("Events ({})\n", events.size()) + table.render();
  text += "\nQueue depth (queued, dequeued and served events)\n" + queue_depths(events) + "\n";
  return text;
}

}  // namespace

std::string trace_node(const std::string& run_dir, const std::string& node,
                       const TraceFilter& filter, std::vector<std::string>* warnings) {
  const LoadedRun run = trace_views::load_run(run_dir, filter, warnings);
  bool known = false;
  for (const auto& mode : run.modes) {
    for (const Event& event : mode->traces.events) known = known || event.node == node;
  }
  if (!known) {
    throw std::runtime_error(fmt::format("{}: no node \"{}\" wrote trace events", run_dir, node));
  }
  std::string text;
  for (const auto& mode : run.modes) text += mode_node(run, *mode, node);
  return trace_views::fit_width(text);
}

}  // namespace tearline
