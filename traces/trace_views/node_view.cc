// trace node NAME: one node's events in time order and its queue depths.
// Read in one pass per mode, keeping only the node's events (as views into
// the mapped trace files) and, per message, where it was last seen (for the
// losses the node's crashes caused); the table is written a chunk of rows
// at a time.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "traces/report/text_table.h"
#include "traces/report/trace_scan.h"
#include "traces/trace_views/crash_tracker.h"
#include "traces/trace_views/interner.h"
#include "traces/trace_views/lineage.h"
#include "traces/trace_views/streamed_table.h"
#include "traces/trace_views/trace_views.h"
#include "traces/trace_views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::Column;
using report::EventFields;
using report::TextTable;
using trace_views::CrashTracker;
using trace_views::Interner;
using trace_views::ModeInfo;
using trace_views::TimeKey;

constexpr size_t kSparklineWidthMax = 40;  // Characters.

// One event at the node: read, or derived (a loss its crash caused).
struct NodeEvent {
  TimeKey key;
  bool derived = false;
  uint32_t kind = Interner::kEmpty, handoff = Interner::kEmpty, peer = Interner::kEmpty;
  std::string_view msg, reason, trace;
  std::optional<uint32_t> depth;
};

// The order of report::sort_in_time_order after add_crash_losses: a derived
// loss after the read event it ties with, derived losses in id order.
bool in_time_order(const NodeEvent& a, const NodeEvent& b) {
  if (a.key < b.key) return true;
  if (b.key < a.key) return false;
  if (a.derived != b.derived) return b.derived;
  return a.msg < b.msg;
}

// One mode's events at the node that pass the filter, in time order. Views
// into the scan's lines: the scan outlives them.
struct NodeMode {
  std::unique_ptr<report::ModeScan> scan;
  ModeInfo info;
  Interner names;
  bool known = false;  // The node wrote events in this mode.
  std::vector<NodeEvent> events;
  std::set<std::string, std::less<>> loss_reasons;  // Of the derived events.
};

struct LineageEntry {
  trace_views::Lineage lineage;
};

void read_node_mode(const std::filesystem::path& dir, const std::string& node,
                    const TraceFilter& filter, NodeMode* mode, std::vector<std::string>* warnings) {
  mode->scan = std::make_unique<report::ModeScan>(dir);
  mode->info = trace_views::mode_info(mode->scan->mode(), mode->scan->run_info(), filter);
  CrashTracker crashes(&mode->names);
  // Only for the plot filter: a message's trace id may come from ancestors.
  std::unordered_map<std::string_view, LineageEntry> lineages;
  const bool by_plot = !filter.plot.empty();
  mode->scan->read(
      [&](const EventFields& fields) {
        crashes.add(fields);
        if (by_plot && !fields.msg.empty()) {
          lineages[fields.msg].lineage.add(fields, TimeKey::of(fields));
        }
        if (fields.node != node) return;
        mode->known = true;
        if (!trace_views::passes_node_and_window(filter, fields.node, fields.t_h)) return;
        NodeEvent& event = mode->events.emplace_back();
        event.key = TimeKey::of(fields);
        event.kind = mode->names.id(fields.kind);
        event.handoff = mode->names.id(fields.handoff);
        event.peer = mode->names.id(fields.peer);
        event.msg = fields.msg;
        event.reason = fields.reason;
        event.trace = fields.trace;
        event.depth = fields.depth;
      },
      warnings);
  for (const trace_views::DerivedLoss& derived : crashes.losses()) {
    const trace_views::CrashLoss& loss = derived.loss;
    if (mode->names.text(loss.node) != node ||
        !trace_views::passes_node_and_window(filter, node, loss.key.t_h)) {
      continue;
    }
    NodeEvent& event = mode->events.emplace_back();
    event.key = loss.key;
    event.derived = true;
    event.kind = mode->names.id("lost");
    event.handoff = derived.last.handoff;
    event.msg = derived.msg;
    // Copied: the tracker's reasons die with it.
    event.reason = *mode->loss_reasons.emplace(loss.reason).first;
    event.trace = derived.last.trace;
  }
  if (by_plot) {
    std::erase_if(mode->events, [&](const NodeEvent& event) {
      const std::string_view trace = !event.trace.empty() || event.msg.empty()
                                         ? event.trace
                                         : trace_views::trace_of(lineages, event.msg);
      return !trace_views::passes_plot(filter, mode->info, trace);
    });
  }
  std::sort(mode->events.begin(), mode->events.end(), in_time_order);
}

bool is_queue_event(std::string_view kind) {
  return kind == "queued" || kind == "dequeued" || kind == "served";
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

std::string queue_depths(const NodeMode& mode) {
  std::map<std::string_view, std::vector<uint32_t>> depths_by_department;
  for (const NodeEvent& event : mode.events) {
    if (is_queue_event(mode.names.text(event.kind))) {
      depths_by_department[mode.names.text(event.handoff)].push_back(event.depth.value_or(0));
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
    table.add_row({std::string(department), std::to_string(depths.size()), std::to_string(*min),
                   std::to_string(*max),
                   fmt::format("{:.2f}", sum / static_cast<double>(depths.size())),
                   fmt::format("|{}|", sparkline(depths, *max))});
  }
  return table.render();
}

std::vector<std::string> cells_of(const NodeMode& mode, const NodeEvent& event) {
  return {trace_views::hours(event.key.t_h),
          std::string(mode.names.text(event.kind)),
          std::string(event.msg),
          std::string(mode.names.text(event.handoff)),
          std::string(mode.names.text(event.peer)),
          std::string(event.reason)};
}

void write_mode(const NodeMode& mode, const std::string& node, std::ostream* out) {
  const auto write = [out](const std::string& text) { *out << trace_views::fit_width(text); };
  write(trace_views::heading(mode.info, "node " + node));
  if (mode.events.empty()) {
    write("  no events pass the filter\n\n");
    return;
  }
  const std::vector<Column> columns = {
      {"hour", Align::kRight},       {"kind"}, {"message"}, {"handoff"}, {"peer"},
      {"reason", Align::kLeft, true}};
  std::vector<std::string> widest(columns.size());
  for (const NodeEvent& event : mode.events) {
    std::vector<std::string> cells = cells_of(mode, event);
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].size() > widest[i].size()) widest[i] = std::move(cells[i]);
    }
  }
  write(fmt::format("Events ({})\n", mode.events.size()));
  trace_views::StreamedTable table(columns, 2, std::move(widest), write);
  for (const NodeEvent& event : mode.events) table.add_row(cells_of(mode, event));
  table.finish();
  write("\nQueue depth (queued, dequeued and served events)\n" + queue_depths(mode) + "\n");
}

}  // namespace

void trace_node(const std::string& run_dir, const std::string& node, const TraceFilter& filter,
                std::vector<std::string>* warnings, std::ostream* out) {
  std::vector<std::unique_ptr<NodeMode>> modes;
  std::vector<const ModeInfo*> infos;
  for (const auto& dir : trace_views::select_mode_dirs(run_dir, filter)) {
    auto& mode = modes.emplace_back(std::make_unique<NodeMode>());
    read_node_mode(dir, node, filter, mode.get(), warnings);
    infos.push_back(&mode->info);
  }
  trace_views::check_plot_known(run_dir, filter, infos);
  if (std::none_of(modes.begin(), modes.end(), [](const auto& mode) { return mode->known; })) {
    throw std::runtime_error(fmt::format("{}: no node \"{}\" wrote trace events", run_dir, node));
  }
  for (const auto& mode : modes) write_mode(*mode, node, out);
}

std::string trace_node(const std::string& run_dir, const std::string& node,
                       const TraceFilter& filter, std::vector<std::string>* warnings) {
  std::ostringstream out;
  trace_node(run_dir, node, filter, warnings, &out);
  return out.str();
}

}  // namespace tearline
