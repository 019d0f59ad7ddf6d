// trace lost: every lost, expired or withheld message, grouped by handoff
// and reason, then listed. Tallied in one pass per mode (mode_tally.h).
#include <fmt/format.h>

#include <map>
#include <utility>

#include "traces/report/text_table.h"
#include "traces/trace_views/mode_tally.h"
#include "traces/trace_views/trace_views.h"
#include "traces/trace_views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::TextTable;
using trace_views::LostMessage;
using trace_views::TalliedMode;

std::string mode_lost(const TalliedMode& mode, const std::string& reason) {
  const std::vector<LostMessage>& lost = mode.tally.lost_messages;  // Of that reason.
  std::string text = trace_views::heading(
      mode.info, reason.empty() ? std::string("lost messages") : "lost messages, reason " + reason);
  if (lost.empty()) return text + "  none\n\n";

  std::map<std::pair<std::string, std::string>, size_t> count_by_handoff_reason;
  for (const LostMessage& message : lost) {
    ++count_by_handoff_reason[{message.handoff, message.reason}];
  }
  TextTable groups({{"handoff"}, {"reason", Align::kLeft, true}, {"messages", Align::kRight}}, 2);
  for (const auto& [key, count] : count_by_handoff_reason) {
    groups.add_row({key.first, key.second, std::to_string(count)});
  }
  text += fmt::format("By handoff and reason ({})\n", report::counted(lost.size(), "message")) +
          groups.render();

  TextTable list({{"hour", Align::kRight},
                  {"message", Align::kLeft, true},
                  {"trace"},
                  {"node"},
                  {"kind"},
                  {"reason", Align::kLeft, true}},
                 2);
  for (const LostMessage& message : lost) {
    list.add_row({trace_views::hours(message.key.t_h), message.id, message.trace, message.node,
                  message.kind, message.reason});
  }
  return text + "\nMessages\n" + list.render() + "\n";
}

}  // namespace

std::string trace_lost(const std::string& run_dir, const std::string& reason,
                       const TraceFilter& filter, std::vector<std::string>* warnings) {
  std::string text;
  for (const auto& mode :
       trace_views::tally_run(run_dir, filter, warnings, {.listed = true, .reason = reason})) {
    text += mode_lost(mode, reason);
  }
  return trace_views::fit_width(text);
}

}  // namespace tearline
