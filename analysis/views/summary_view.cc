// trace summary: events per node and kind, the time span, messages by fate.
// Tallied in one pass per mode (mode_tally.h): the fastest view, meant
// for traces of millions of events.
#include <fmt/format.h>

#include "analysis/read/text_table.h"
#include "analysis/views/mode_tally.h"
#include "analysis/views/trace_views.h"
#include "analysis/views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::Column;
using report::TextTable;
using trace_views::ModeInfo;
using trace_views::ModeTally;

// Rows are kinds, columns nodes; when that is too wide, one row per
// (node, kind).
std::string kind_table(const ModeTally& tally) {
  std::vector<Column> columns = {{"kind"}};
  for (const std::string& node : tally.nodes) columns.push_back({node, Align::kRight});
  columns.push_back({"total", Align::kRight});
  TextTable wide(columns, 2);
  for (const auto& [kind, by_node] : tally.count_by_kind_node) {
    std::vector<std::string> cells = {kind};
    size_t total = 0;
    for (const std::string& node : tally.nodes) {
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
  for (const std::string& node : tally.nodes) {
    for (const auto& [kind, by_node] : tally.count_by_kind_node) {
      const auto it = by_node.find(node);
      if (it != by_node.end()) long_table.add_row({node, kind, std::to_string(it->second)});
    }
  }
  return long_table.render();
}

std::string time_span(const ModeInfo& mode, const ModeTally& tally) {
  std::string text = fmt::format("  scenario time  {} .. {}\n",
                                 trace_views::hours_with_date(mode, tally.first_t_h),
                                 trace_views::hours_with_date(mode, tally.last_t_h));
  if (tally.wall_first_ms) {
    text += fmt::format("  wall time      {} .. {} ms (span {} ms)\n", *tally.wall_first_ms,
                        *tally.wall_last_ms, *tally.wall_last_ms - *tally.wall_first_ms);
  }
  return text;
}

std::string fates(const ModeTally& tally) {
  TextTable table({{"fate"}, {"messages", Align::kRight}}, 2);
  table.add_row({"delivered", std::to_string(tally.delivered)});
  if (tally.served_again_without_journal > 0) {
    // A centre without a journal served them again after a restart.
    table.add_row({"  of them served again without a journal",
                   std::to_string(tally.served_again_without_journal)});
  }
  table.add_row({"lost", std::to_string(tally.lost)});
  for (const auto& [reason, count] : tally.lost_by_reason) {
    table.add_row({"  " + reason, std::to_string(count)});
  }
  table.add_row({"in flight", std::to_string(tally.in_flight)});
  table.add_row({"unaccounted", std::to_string(tally.unaccounted)});
  return table.render();
}

std::string mode_summary(const ModeInfo& mode, const ModeTally& tally) {
  std::string text = trace_views::heading(mode, "summary");
  if (tally.events == 0) return text + "  no events pass the filter\n\n";
  text += fmt::format("Events per kind and node ({} events)\n", tally.events);
  text += kind_table(tally) + "\n";
  text += "Time span\n" + time_span(mode, tally) + "\n";
  text += "Messages by fate (where and when the fate was decided)\n" + fates(tally) + "\n";
  return text;
}

}  // namespace

std::string trace_summary(const std::string& run_dir, const TraceFilter& filter,
                          std::vector<std::string>* warnings) {
  std::string text;
  // Counts only: no lost message is listed.
  for (const auto& mode :
       trace_views::tally_run(run_dir, filter, warnings, {.listed = false, .reason = {}})) {
    text += mode_summary(mode.info, mode.tally);
  }
  return trace_views::fit_width(text);
}

}  // namespace tearline
