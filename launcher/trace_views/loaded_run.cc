#include "launcher/trace_views/loaded_run.h"

#include <fmt/format.h>

#include <stdexcept>

namespace tearline::trace_views {
namespace {

using nlohmann::json;

const json* run_info_of(const report::ModeTraces& traces) {
  for (const report::Event& event : traces.events) {
    if (event.kind == "run" && event.run.is_object()) return &event.run;
  }
  return nullptr;
}

void read_run_info(const TraceFilter& filter, LoadedMode* mode) {
  const json* info = run_info_of(mode->traces);
  if (info == nullptr) return;
  mode->start_iso = info->value("start_iso", "");
  if (filter.plot.empty()) return;
  const auto plots = info->find("plots");
  if (plots == info->end() || !plots->is_array()) return;
  for (const json& plot : *plots) {
    if (!plot.is_object() || plot.value("id", "") != filter.plot) continue;
    mode->plot_known = true;
    const auto ids = plot.find("trace_ids");
    if (ids == plot.end() || !ids->is_array()) continue;
    for (const json& id : *ids) {
      if (id.is_string()) mode->plot_trace_ids.insert(id.get<std::string>());
    }
  }
}

}  // namespace

LoadedRun load_run(const std::string& run_dir, const TraceFilter& filter,
                   std::vector<std::string>* warnings) {
  LoadedRun run;
  run.run_dir = run_dir;
  run.filter = filter;
  const auto mode_dirs = report::find_mode_dirs(run_dir);
  if (mode_dirs.empty()) {
    throw std::runtime_error(
        fmt::format("{}: not a run directory (no <mode>/launcher.trace.jsonl in it)", run_dir));
  }
  std::vector<std::string> names;
  for (const auto& dir : mode_dirs) {
    names.push_back(dir.filename().string());
    if (!filter.mode.empty() && names.back() != filter.mode) continue;
    auto mode = std::make_unique<LoadedMode>();
    mode->traces = report::read_mode(dir, warnings);
    mode->index = std::make_unique<report::MessageIndex>(mode->traces.events);
    read_run_info(filter, mode.get());
    run.modes.push_back(std::move(mode));
  }
  if (run.modes.empty()) {
    throw std::runtime_error(fmt::format("{}: no mode \"{}\" (modes: {})", run_dir, filter.mode,
                                         fmt::join(names, ", ")));
  }
  if (!filter.plot.empty()) {
    bool known = false;
    for (const auto& mode : run.modes) known = known || mode->plot_known;
    if (!known) {
      throw std::runtime_error(
          fmt::format("{}: no plot \"{}\" in the run's RunInfo", run_dir, filter.plot));
    }
  }
  return run;
}

std::string trace_of(const LoadedMode& mode, const report::Event& event) {
  if (!event.trace.empty() || event.msg.empty()) return event.trace;
  return mode.index->trace_of(event.msg);
}

bool passes(const LoadedRun& run, const LoadedMode& mode, const report::Event& event) {
  const TraceFilter& filter = run.filter;
  if (!filter.node.empty() && event.node != filter.node) return false;
  if (filter.from_h && event.t_h < *filter.from_h) return false;
  if (filter.to_h && event.t_h > *filter.to_h) return false;
  if (!filter.plot.empty() && mode.plot_trace_ids.count(trace_of(mode, event)) == 0) {
    return false;
  }
  return true;
}

}  // namespace tearline::trace_views
