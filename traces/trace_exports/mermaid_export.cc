// A Mermaid sequence diagram of chosen trace ids: one diagram, a box of
// participants and a section of steps per mode. Each transfer is an arrow
// from sender to receiver, a transfer lost on its link a crossed arrow, and
// decisions and losses elsewhere are notes.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "traces/report/message_fates.h"
#include "traces/trace_exports/export_events.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline {
namespace {

using report::Event;
using trace_exports::ModeEvents;

// Mermaid reads ';' and '#' in text as syntax.
std::string text(std::string value) {
  std::replace(value.begin(), value.end(), ';', ',');
  std::replace(value.begin(), value.end(), '#', ' ');
  return value;
}

class ModeSection {
 public:
  ModeSection(const ModeEvents& mode, const std::set<std::string>& traces)
      : mode_(mode.traces.mode) {
    const report::MessageIndex index(mode.traces.events);
    std::set<std::string> drawn;  // Messages whose transfer has an arrow.
    for (const Event& event : mode.traces.events) {
      const std::string trace = event.trace.empty() ? index.trace_of(event.msg) : event.trace;
      if (event.msg.empty() || !traces.contains(trace)) continue;
      std::string from;
      std::string to;
      const bool link = trace_exports::split_link(event.handoff, &from, &to);
      const std::string what = text(event.msg + " " + event.handoff);
      if (event.kind == "received" && link && drawn.insert(event.msg).second) {
        step(fmt::format("{}->>{}: {}", id(from), id(to), what));
      } else if (report::is_loss(event.kind) && link) {
        step(fmt::format("{}-x{}: {}: {}", id(from), id(to), event.kind,
                         text(report::loss_reason(event))));
      } else if (report::is_loss(event.kind)) {
        step(fmt::format("Note over {}: {} {}: {}", id(event.node), what, event.kind,
                         text(report::loss_reason(event))));
      } else if (event.kind == "sanitised" || event.kind == "acted") {
        step(fmt::format("Note over {}: {} {}", id(event.node), what, event.kind));
      }
    }
  }

  bool empty() const { return steps_.empty(); }

  void write_participants(std::string* out) const {
    *out += fmt::format("  box {}\n", mode_);
    for (const auto& [node, alias] : participants_) {
      *out += fmt::format("    participant {} as {}\n", alias, node);
    }
    *out += "  end\n";
  }

  void write_steps(std::string* out) const {
    *out += fmt::format("%% mode: {}\n", mode_);
    for (const std::string& line : steps_) *out += "  " + line + "\n";
  }

 private:
  // The participant of `node` in this mode, declared on first use.
  std::string id(const std::string& node) {
    const auto it = std::find_if(participants_.begin(), participants_.end(),
                                 [&node](const auto& entry) { return entry.first == node; });
    if (it != participants_.end()) return it->second;
    std::string alias = mode_ + "_" + node;
    for (char& c : alias) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    participants_.emplace_back(node, alias);
    return alias;
  }

  void step(std::string line) { steps_.push_back(std::move(line)); }

  std::string mode_;
  std::vector<std::pair<std::string, std::string>> participants_;  // Node, alias.
  std::vector<std::string> steps_;
};

}  // namespace

std::string export_mermaid(const std::string& run_dir, const std::vector<std::string>& trace_ids,
                           std::vector<std::string>* warnings) {
  const std::vector<ModeEvents> modes = trace_exports::read_run(run_dir, warnings);
  const std::vector<std::string> chosen = trace_ids.empty() ? plot_trace_ids(modes) : trace_ids;
  const std::set<std::string> traces(chosen.begin(), chosen.end());

  std::vector<ModeSection> sections;
  for (const ModeEvents& mode : modes) {
    ModeSection section(mode, traces);
    if (!section.empty()) sections.push_back(std::move(section));
  }
  std::string out = "sequenceDiagram\n";
  std::string ids;
  for (const std::string& id : chosen) ids += (ids.empty() ? "" : ", ") + id;
  out += fmt::format("%% trace ids: {}\n", ids.empty() ? "(none)" : text(ids));
  if (sections.empty()) out += "%% no events for these trace ids\n";
  for (const ModeSection& section : sections) section.write_participants(&out);
  for (const ModeSection& section : sections) section.write_steps(&out);
  return out;
}

}  // namespace tearline
