// trace lost: every lost, expired or withheld message, grouped by handoff
// and reason, then listed. Tallied in one pass per mode (mode_tally.h);
// the list, held as views into the mode's lines, is written a chunk of rows
// at a time.
#include <fmt/format.h>

#include <map>
#include <sstream>
#include <string_view>
#include <utility>

#include "analysis/read/text_table.h"
#include "analysis/views/mode_tally.h"
#include "analysis/views/streamed_table.h"
#include "analysis/views/trace_views.h"
#include "analysis/views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::Column;
using report::TextTable;
using trace_views::LostMessage;
using trace_views::TalliedMode;

std::vector<std::string> cells_of(const LostMessage& message) {
  return {trace_views::hours(message.key.t_h), std::string(message.id),
          std::string(message.trace),          std::string(message.node),
          std::string(message.kind),           std::string(message.reason)};
}

void write_mode(const TalliedMode& mode, const std::string& reason, std::ostream* out) {
  const auto write = [out](const std::string& text) { *out << trace_views::fit_width(text); };
  const std::vector<LostMessage>& lost = mode.tally.lost_messages;  // Of that reason.
  write(trace_views::heading(mode.info, reason.empty() ? std::string("lost messages")
                                                       : "lost messages, reason " + reason));
  if (lost.empty()) {
    write("  none\n\n");
    return;
  }

  std::map<std::pair<std::string_view, std::string_view>, size_t> count_by_handoff_reason;
  for (const LostMessage& message : lost) {
    ++count_by_handoff_reason[{message.handoff, message.reason}];
  }
  TextTable groups({{"handoff"}, {"reason", Align::kLeft, true}, {"messages", Align::kRight}}, 2);
  for (const auto& [key, count] : count_by_handoff_reason) {
    groups.add_row({std::string(key.first), std::string(key.second), std::to_string(count)});
  }
  write(fmt::format("By handoff and reason ({})\n", report::counted(lost.size(), "message")) +
        groups.render());

  const std::vector<Column> columns = {
      {"hour", Align::kRight},       {"message", Align::kLeft, true}, {"trace"}, {"node"}, {"kind"},
      {"reason", Align::kLeft, true}};
  std::vector<std::string> widest(columns.size());
  for (const LostMessage& message : lost) {
    std::vector<std::string> cells = cells_of(message);
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].size() > widest[i].size()) widest[i] = std::move(cells[i]);
    }
  }
  write("\nMessages\n");
  trace_views::StreamedTable list(columns, 2, std::move(widest), write);
  for (const LostMessage& message : lost) list.add_row(cells_of(message));
  list.finish();
  write("\n");
}

}  // namespace

void trace_lost(const std::string& run_dir, const std::string& reason, const TraceFilter& filter,
                std::vector<std::string>* warnings, std::ostream* out) {
  for (const auto& mode :
       trace_views::tally_run(run_dir, filter, warnings, {.listed = true, .reason = reason})) {
    write_mode(mode, reason, out);
  }
}

std::string trace_lost(const std::string& run_dir, const std::string& reason,
                       const TraceFilter& filter, std::vector<std::string>* warnings) {
  std::ostringstream out;
  trace_lost(run_dir, reason, filter, warnings, &out);
  return out.str();
}

}  // namespace tearline
