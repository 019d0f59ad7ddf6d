#include "analysis/exports/export_events.h"

#include <algorithm>
#include <set>

#include "analysis/read/crash_losses.h"

namespace tearline::trace_exports {

std::vector<ModeEvents> read_run(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::vector<ModeEvents> modes;
  for (const auto& dir : report::find_mode_dirs(run_dir)) {
    ModeEvents mode;
    mode.traces = report::read_mode(dir, warnings);
    report::add_crash_losses(&mode.traces.events);
    for (const report::Event& event : mode.traces.events) {
      if (event.kind == "run" && event.run.is_object() && !mode.run) {
        mode.run = report::parse_run_info(event.run, nullptr);
      }
    }
    modes.push_back(std::move(mode));
  }
  return modes;
}

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

bool ends_queue_stay(std::string_view kind) {
  return kind == "served" || kind == "expired" || kind == "lost";
}

bool split_link(const std::string& handoff, std::string* from, std::string* to) {
  const size_t arrow = handoff.find("->");
  if (arrow == std::string::npos) return false;
  *from = handoff.substr(0, arrow);
  *to = handoff.substr(arrow + 2);
  return true;
}

std::vector<std::string> plot_trace_ids(const std::vector<ModeEvents>& modes) {
  std::vector<const v1::RunInfo*> runs;
  for (const ModeEvents& mode : modes) runs.push_back(mode.run ? &*mode.run : nullptr);
  return plot_trace_ids(runs);
}

std::vector<std::string> plot_trace_ids(const std::vector<const v1::RunInfo*>& runs) {
  std::vector<std::string> ids;
  for (const v1::RunInfo* run : runs) {
    if (run == nullptr) continue;
    for (const v1::RunInfo::Plot& plot : run->plots()) {
      for (const std::string& id : plot.trace_ids()) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
  }
  return ids;
}

void TraceIds::see(const report::Event& event) {
  if (event.msg.empty()) return;
  Known& known = messages_[event.msg];
  if (event.kind == "created" && !known.created) {
    known.created = true;
    known.parent = event.parent;
  }
  if (known.trace.empty()) known.trace = event.trace;
}

std::string TraceIds::trace_of(const std::string& msg) const {
  std::set<std::string> seen;  // Guards against a cycle of parents.
  for (auto it = messages_.find(msg); it != messages_.end() && seen.insert(it->first).second;
       it = messages_.find(it->second.parent)) {
    if (!it->second.trace.empty()) return it->second.trace;
  }
  return "";
}

}  // namespace tearline::trace_exports
