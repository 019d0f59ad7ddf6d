// A run's trace files read into memory, one LoadedMode per mode, and the
// TraceFilter applied to events and messages. Internal to tearline_trace_views.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "launcher/report/message_fates.h"
#include "launcher/report/trace_reader.h"
#include "launcher/trace_views/trace_views.h"

namespace tearline::trace_views {

struct LoadedMode {
  report::ModeTraces traces;
  std::unique_ptr<report::MessageIndex> index;  // Points into traces.events.
  std::string start_iso;                        // RunInfo start_iso, or "".
  std::set<std::string> plot_trace_ids;         // Of the filter's plot.
  bool plot_known = false;                      // The filter's plot is in RunInfo.
};

struct LoadedRun {
  std::string run_dir;
  TraceFilter filter;
  std::vector<std::unique_ptr<LoadedMode>> modes;  // Filtered by mode, in name order.
};

// Throws std::runtime_error for a run dir without modes, an unknown mode, or
// a plot no mode's RunInfo names.
LoadedRun load_run(const std::string& run_dir, const TraceFilter& filter,
                   std::vector<std::string>* warnings);

// The trace id of `event`: its own, or that of its message's ancestors.
std::string trace_of(const LoadedMode& mode, const report::Event& event);

// Whether `event` meets every field of the run's filter but `mode`.
bool passes(const LoadedRun& run, const LoadedMode& mode, const report::Event& event);

}  // namespace tearline::trace_views
