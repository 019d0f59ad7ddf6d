#include "traces/trace_exports/export_events.h"

#include <algorithm>

#include "traces/report/crash_losses.h"

namespace tearline::trace_exports {

std::vector<ModeEvents> read_run(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::vector<ModeEvents> modes;
  for (const auto& dir : report::find_mode_dirs(run_dir)) {
    ModeEvents mode;
    mode.traces = report::read_mode(dir, warnings);
    report::add_crash_losses(&mode.traces.events);
    for (const report::Event& event : mode.traces.events) {
      if (event.kind == "run" && mode.run.is_null()) mode.run = event.run;
    }
    modes.push_back(std::move(mode));
  }
  return modes;
}

bool split_link(const std::string& handoff, std::string* from, std::string* to) {
  const size_t arrow = handoff.find("->");
  if (arrow == std::string::npos) return false;
  *from = handoff.substr(0, arrow);
  *to = handoff.substr(arrow + 2);
  return true;
}

std::vector<std::string> plot_trace_ids(const std::vector<ModeEvents>& modes) {
  std::vector<std::string> ids;
  for (const ModeEvents& mode : modes) {
    if (!mode.run.is_object() || !mode.run.contains("plots")) continue;
    for (const auto& plot : mode.run["plots"]) {
      if (!plot.is_object() || !plot.contains("trace_ids")) continue;
      for (const auto& id : plot["trace_ids"]) {
        if (id.is_string() && std::find(ids.begin(), ids.end(), id) == ids.end()) {
          ids.push_back(id.get<std::string>());
        }
      }
    }
  }
  return ids;
}

}  // namespace tearline::trace_exports
