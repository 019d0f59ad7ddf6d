#include "analysis/views/loaded_run.h"

#include <fmt/format.h>

#include <functional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "analysis/read/crash_losses.h"
#include "analysis/read/line_reader.h"
#include "analysis/read/trace_scan.h"
#include "analysis/views/lineage.h"

namespace tearline::trace_views {
namespace {

namespace fs = std::filesystem;

// The first "run" event's RunInfo, if it reads as one.
std::optional<v1::RunInfo> run_info_of(const report::ModeTraces& traces) {
  for (const report::Event& event : traces.events) {
    if (event.kind == "run" && event.run.is_object())
      return report::parse_run_info(event.run, nullptr);
  }
  return std::nullopt;
}

}  // namespace

ModeInfo mode_info(std::string name, const v1::RunInfo* run_info, const TraceFilter& filter) {
  ModeInfo info;
  info.name = std::move(name);
  if (run_info == nullptr) return info;
  info.run_info = *run_info;
  info.start_iso = run_info->start_iso();
  if (filter.plot.empty()) return info;
  for (const v1::RunInfo::Plot& plot : run_info->plots()) {
    if (plot.id() != filter.plot) continue;
    info.plot_known = true;
    info.plot_trace_ids.insert(plot.trace_ids().begin(), plot.trace_ids().end());
  }
  return info;
}

std::vector<fs::path> select_mode_dirs(const std::string& run_dir, const TraceFilter& filter) {
  const auto mode_dirs = report::find_mode_dirs(run_dir);
  if (mode_dirs.empty()) {
    throw std::runtime_error(
        fmt::format("{}: not a run directory (no <mode>/launcher.trace.jsonl in it)", run_dir));
  }
  std::vector<std::string> names;
  std::vector<fs::path> selected;
  for (const auto& dir : mode_dirs) {
    names.push_back(dir.filename().string());
    if (filter.mode.empty() || names.back() == filter.mode) selected.push_back(dir);
  }
  if (selected.empty()) {
    throw std::runtime_error(fmt::format("{}: no mode \"{}\" (modes: {})", run_dir, filter.mode,
                                         fmt::join(names, ", ")));
  }
  return selected;
}

void check_plot_known(const std::string& run_dir, const TraceFilter& filter,
                      const std::vector<const ModeInfo*>& modes) {
  if (filter.plot.empty()) return;
  for (const ModeInfo* mode : modes) {
    if (mode->plot_known) return;
  }
  throw std::runtime_error(
      fmt::format("{}: no plot \"{}\" in the run's RunInfo", run_dir, filter.plot));
}

namespace {

// Each mode the filter selects, its events read by `read_traces` and then
// completed with the losses crashes caused, indexed and described.
LoadedRun load_modes(const std::string& run_dir, const TraceFilter& filter,
                     const std::function<report::ModeTraces(const fs::path&)>& read_traces) {
  LoadedRun run;
  run.run_dir = run_dir;
  run.filter = filter;
  std::vector<const ModeInfo*> infos;
  for (const fs::path& dir : select_mode_dirs(run_dir, filter)) {
    auto mode = std::make_unique<LoadedMode>();
    mode->traces = read_traces(dir);
    report::add_crash_losses(&mode->traces.events);
    mode->index = std::make_unique<report::MessageIndex>(mode->traces.events);
    const std::optional<v1::RunInfo> run_info = run_info_of(mode->traces);
    mode->info = mode_info(mode->traces.mode, run_info ? &*run_info : nullptr, filter);
    infos.push_back(&mode->info);
    run.modes.push_back(std::move(mode));
  }
  check_plot_known(run_dir, filter, infos);
  return run;
}

// The ids of the messages of trace `trace_id`, from the scan's first pass.
std::set<std::string, std::less<>> messages_of_trace(report::ModeScan* scan,
                                                     const std::string& trace_id,
                                                     std::vector<std::string>* warnings) {
  struct Entry {
    Lineage lineage;
  };
  std::unordered_map<std::string_view, Entry> messages;
  scan->read(
      [&messages](const report::EventFields& fields) {
        if (!fields.msg.empty()) messages[fields.msg].lineage.add(fields, TimeKey::of(fields));
      },
      warnings);
  std::set<std::string, std::less<>> members;
  for (const auto& [id, entry] : messages) {
    if (trace_of(messages, id) == trace_id) members.emplace(id);
  }
  return members;
}

}  // namespace

LoadedRun load_run(const std::string& run_dir, const TraceFilter& filter,
                   std::vector<std::string>* warnings) {
  return load_modes(run_dir, filter,
                    [warnings](const fs::path& dir) { return report::read_mode(dir, warnings); });
}

LoadedRun load_trace(const std::string& run_dir, const std::string& trace_id,
                     const TraceFilter& filter, std::vector<std::string>* warnings) {
  return load_modes(run_dir, filter, [&trace_id, warnings](const fs::path& dir) {
    report::ModeScan scan(dir);
    // Ids copied: the second pass ends the first one's views.
    const auto members = messages_of_trace(&scan, trace_id, warnings);
    report::ModeTraces traces;
    traces.mode = scan.mode();
    traces.files = scan.files();
    scan.read(
        [&](const report::EventFields& fields) {
          if (fields.run != nullptr || members.contains(fields.msg) ||
              report::is_death(fields.kind, fields.reason, fields.fault)) {
            traces.events.push_back(report::event_of(fields));
          }
        },
        nullptr);  // Warned in the first pass.
    report::sort_in_time_order(&traces.events);
    return traces;
  });
}

std::string trace_of(const LoadedMode& mode, const report::Event& event) {
  if (!event.trace.empty() || event.msg.empty()) return event.trace;
  return mode.index->trace_of(event.msg);
}

bool passes_node_and_window(const TraceFilter& filter, std::string_view node, double t_h) {
  if (!filter.node.empty() && node != filter.node) return false;
  if (filter.from_h && t_h < *filter.from_h) return false;
  if (filter.to_h && t_h > *filter.to_h) return false;
  return true;
}

bool passes_plot(const TraceFilter& filter, const ModeInfo& info, std::string_view trace) {
  return filter.plot.empty() || info.plot_trace_ids.count(trace) != 0;
}

bool passes(const LoadedRun& run, const LoadedMode& mode, const report::Event& event) {
  return passes_node_and_window(run.filter, event.node, event.t_h) &&
         (run.filter.plot.empty() || passes_plot(run.filter, mode.info, trace_of(mode, event)));
}

}  // namespace tearline::trace_views
