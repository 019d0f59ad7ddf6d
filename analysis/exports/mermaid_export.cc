// A Mermaid sequence diagram of chosen trace ids: one diagram, a box of
// participants and a section of steps per mode. Each transfer is an arrow
// from sender to receiver, a transfer lost on its link a crossed arrow, and
// decisions and losses elsewhere are notes.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "analysis/exports/export_events.h"
#include "analysis/exports/mode_stream.h"
#include "analysis/exports/trace_exports.h"
#include "analysis/read/message_fates.h"
#include "analysis/read/trace_scan.h"

namespace tearline {
namespace {

using report::Event;

// Mermaid reads ';' and '#' in text as syntax.
std::string text(std::string value) {
  std::replace(value.begin(), value.end(), ';', ',');
  std::replace(value.begin(), value.end(), '#', ' ');
  return value;
}

class ModeSection {
 public:
  // Two passes over the mode's events: the messages' trace ids, then the
  // steps of the chosen traces. Only those steps are held.
  ModeSection(const trace_exports::ModeStream& mode, const std::set<std::string>& traces)
      : mode_(mode.mode()) {
    trace_exports::TraceIds ids;
    mode.for_each([&ids](const Event& event) { ids.see(event); });
    std::set<std::string> drawn;  // Messages whose transfer has an arrow.
    mode.for_each([&](const Event& event) {
      if (event.msg.empty()) return;
      const std::string trace = event.trace.empty() ? ids.trace_of(event.msg) : event.trace;
      if (!traces.contains(trace)) return;
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
    });
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
  // One mode read at a time; each mode's RunInfo is kept for the plots.
  std::vector<std::optional<v1::RunInfo>> runs;
  const std::vector<std::filesystem::path> dirs = trace_exports::mode_dirs(run_dir);
  if (trace_ids.empty()) {
    for (const auto& dir : dirs) {
      report::ModeScan scan(dir);  // Reads only the launcher's trace for this.
      const v1::RunInfo* run = scan.run_info();
      runs.push_back(run != nullptr ? std::optional(*run) : std::nullopt);
    }
  }
  std::vector<const v1::RunInfo*> run_pointers;
  for (const auto& run : runs) run_pointers.push_back(run ? &*run : nullptr);
  const std::vector<std::string> chosen =
      trace_ids.empty() ? trace_exports::plot_trace_ids(run_pointers) : trace_ids;
  const std::set<std::string> traces(chosen.begin(), chosen.end());

  std::vector<ModeSection> sections;
  for (const auto& dir : dirs) {
    ModeSection section(trace_exports::ModeStream(dir, warnings), traces);
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
