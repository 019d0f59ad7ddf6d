// trace lost: every lost, expired or withheld message, grouped by handoff
// and reason, then listed.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "launcher/report/text_table.h"
#include "launcher/trace_views/trace_views.h"
#include "launcher/trace_views/view_format.h"

namespace tearline {
namespace {

using report::Align;
using report::TextTable;
using trace_views::LoadedMode;
using trace_views::LoadedRun;

std::string mode_lost(const LoadedRun& run, const LoadedMode& mode, const std::string& reason) {
  std::vector<const report::Message*> lost;
  for (const auto& [id, message] : mode.index->messages()) {
    if (message.fate != report::Fate::kLost) continue;
    if (!reason.empty() && report::loss_reason(*message.end) != reason) continue;
    if (trace_views::passes(run, mode, *message.end)) lost.push_back(&message);
  }
  std::string text = trace_views::heading(
      mode.info, reason.empty() ? std::string("lost messages") : "lost messages, reason " + reason);
  if (lost.empty()) return text + "  none\n\n";

  std::map<std::pair<std::string, std::string>, size_t> count_by_handoff_reason;
  for (const report::Message* message : lost) {
    ++count_by_handoff_reason[{message->end->handoff, report::loss_reason(*message->end)}];
  }
  TextTable groups({{"handoff"}, {"reason", Align::kLeft, true}, {"messages", Align::kRight}}, 2);
  for (const auto& [key, count] : count_by_handoff_reason) {
    groups.add_row({key.first, key.second, std::to_string(count)});
  }
  text += fmt::format("By handoff and reason ({} messages)\n", lost.size()) + groups.render();

  std::stable_sort(lost.begin(), lost.end(),
                   [](const auto* a, const auto* b) { return a->end->order < b->end->order; });
  TextTable list({{"hour", Align::kRight},
                  {"message", Align::kLeft, true},
                  {"trace"},
                  {"node"},
                  {"kind"},
                  {"reason", Align::kLeft, true}},
                 2);
  for (const report::Message* message : lost) {
    const report::Event& end = *message->end;
    list.add_row({trace_views::hours(end.t_h), message->id, mode.index->trace_of(message->id),
                  end.node, end.kind, report::loss_reason(end)});
  }
  return text + "\nMessages\n" + list.render() + "\n";
}

}  // namespace

std::string trace_lost(const std::string& run_dir, const std::string& reason,
                       const TraceFilter& filter, std::vector<std::string>* warnings) {
  const LoadedRun run = trace_views::load_run(run_dir, filter, warnings);
  std::string text;
  for (const auto& mode : run.modes) text += mode_lost(run, *mode, reason);
  return trace_views::fit_width(text);
}

}  // namespace tearline
