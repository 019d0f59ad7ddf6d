// trace node NAME: one node's events in time order and its queue depths.
// The events are not held (node_events.h): one pass sizes the table and
// gathers the queue depths, another writes the table a chunk of rows at a
// time.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "analysis/read/text_table.h"
#include "analysis/views/node_events.h"
#include "analysis/views/streamed_table.h"
#include "analysis/views/trace_views.h"
#include "analysis/views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::Column;
using report::TextTable;
using trace_views::NodeEvents;
using trace_views::NodeRow;

constexpr size_t kSparklineWidthMax = 40;  // Characters.

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

// Each department's queue depths, one sample per queue event: four bytes
// each, the sparkline needs them all.
using DepthsByDepartment = std::map<std::string, std::vector<uint32_t>, std::less<>>;

std::string queue_depths(const DepthsByDepartment& depths_by_department) {
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

std::vector<std::string> cells_of(const NodeRow& row) {
  return {trace_views::hours(row.key.t_h), std::string(row.kind), std::string(row.msg),
          std::string(row.handoff),        std::string(row.peer), std::string(row.reason)};
}

void write_mode(NodeEvents* events, const std::string& node, std::ostream* out) {
  const auto write = [out](const std::string& text) { *out << trace_views::fit_width(text); };
  write(trace_views::heading(events->info(), "node " + node));
  const std::vector<Column> columns = {
      {"hour", Align::kRight},       {"kind"}, {"message"}, {"handoff"}, {"peer"},
      {"reason", Align::kLeft, true}};
  std::vector<std::string> widest(columns.size());
  size_t count = 0;
  DepthsByDepartment depths_by_department;
  events->for_each([&](const NodeRow& row) {
    ++count;
    std::vector<std::string> cells = cells_of(row);
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].size() > widest[i].size()) widest[i] = std::move(cells[i]);
    }
    if (is_queue_event(row.kind)) {
      auto department = depths_by_department.find(row.handoff);
      if (department == depths_by_department.end()) {
        department = depths_by_department.emplace(std::string(row.handoff), 0).first;
      }
      department->second.push_back(row.depth.value_or(0));
    }
  });
  if (count == 0) {
    write("  no events pass the filter\n\n");
    return;
  }
  write(fmt::format("Events ({})\n", count));
  trace_views::StreamedTable table(columns, 2, std::move(widest), write);
  events->for_each([&table](const NodeRow& row) { table.add_row(cells_of(row)); });
  table.finish();
  write("\nQueue depth (queued, dequeued and served events)\n" +
        queue_depths(depths_by_department) + "\n");
}

}  // namespace

void trace_node(const std::string& run_dir, const std::string& node, const TraceFilter& filter,
                std::vector<std::string>* warnings, std::ostream* out) {
  std::vector<std::unique_ptr<NodeEvents>> modes;
  std::vector<const trace_views::ModeInfo*> infos;
  for (const auto& dir : trace_views::select_mode_dirs(run_dir, filter)) {
    auto& mode = modes.emplace_back(std::make_unique<NodeEvents>(dir, node, filter));
    mode->read(warnings);
    infos.push_back(&mode->info());
  }
  trace_views::check_plot_known(run_dir, filter, infos);
  if (std::none_of(modes.begin(), modes.end(), [](const auto& mode) { return mode->known(); })) {
    throw std::runtime_error(fmt::format("{}: no node \"{}\" wrote trace events", run_dir, node));
  }
  for (const auto& mode : modes) write_mode(mode.get(), node, out);
}

std::string trace_node(const std::string& run_dir, const std::string& node,
                       const TraceFilter& filter, std::vector<std::string>* warnings) {
  std::ostringstream out;
  trace_node(run_dir, node, filter, warnings, &out);
  return out.str();
}

}  // namespace tearline
