// A run's trace files read into memory, one LoadedMode per mode (all of a
// run's events: the tests' model; or one trace's, for follow), and the
// TraceFilter applied to events and messages. Internal to tearline_trace_views.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/read/message_fates.h"
#include "analysis/read/trace_reader.h"
#include "analysis/views/trace_views.h"

namespace tearline::trace_views {

// What the views need of a mode's RunInfo.
struct ModeInfo {
  std::string name;                                   // "bilateral", "coordinated".
  std::string start_iso;                              // RunInfo start_iso, or "".
  std::set<std::string, std::less<>> plot_trace_ids;  // Of the filter's plot.
  bool plot_known = false;                            // The filter's plot is in RunInfo.
  std::optional<v1::RunInfo> run_info;                // None without a "run" event.
};

// `run_info` may be null (no "run" event).
ModeInfo mode_info(std::string name, const v1::RunInfo* run_info, const TraceFilter& filter);

struct LoadedMode {
  ModeInfo info;
  report::ModeTraces traces;
  std::unique_ptr<report::MessageIndex> index;  // Points into traces.events.
};

struct LoadedRun {
  std::string run_dir;
  TraceFilter filter;
  std::vector<std::unique_ptr<LoadedMode>> modes;  // Filtered by mode, in name order.
};

// The mode directories of run_dir that the filter selects, in name order.
// Throws std::runtime_error for a run dir without modes or an unknown mode.
std::vector<std::filesystem::path> select_mode_dirs(const std::string& run_dir,
                                                    const TraceFilter& filter);
// Throws std::runtime_error when the filter names a plot no mode knows.
void check_plot_known(const std::string& run_dir, const TraceFilter& filter,
                      const std::vector<const ModeInfo*>& modes);

// Every mode's events, with the losses crashes caused (crash_losses.h): the
// whole run in memory, so no view uses it; it is the event-by-event model
// the one-pass views are tested against (mode_tally_test).
// Throws std::runtime_error for a run dir without modes, an unknown mode, or
// a plot no mode's RunInfo names.
LoadedRun load_run(const std::string& run_dir, const TraceFilter& filter,
                   std::vector<std::string>* warnings);

// As load_run, but each mode holds only the "run" event, the deaths and the
// events of the messages of trace `trace_id`: read in two passes, the first
// keeping only each message's lineage.
LoadedRun load_trace(const std::string& run_dir, const std::string& trace_id,
                     const TraceFilter& filter, std::vector<std::string>* warnings);

// The trace id of `event`: its own, or that of its message's ancestors.
std::string trace_of(const LoadedMode& mode, const report::Event& event);

// Whether an event written at `node` at scenario time t_h meets the filter's
// node and time window.
bool passes_node_and_window(const TraceFilter& filter, std::string_view node, double t_h);
// Whether `trace` belongs to the filter's plot (true when it names none).
bool passes_plot(const TraceFilter& filter, const ModeInfo& info, std::string_view trace);

// Whether `event` meets every field of the run's filter but `mode`.
bool passes(const LoadedRun& run, const LoadedMode& mode, const report::Event& event);

}  // namespace tearline::trace_views
