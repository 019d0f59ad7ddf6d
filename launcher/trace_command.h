// `tearline trace RUN_DIR VIEW [ARG]`: terminal views of a run's traces
// (summary, follow TRACE_ID, lost, node NAME) with filters.
#pragma once

#include <string>

#include "launcher/trace_views/trace_views.h"

namespace tearline {

struct TraceCommandOptions {
  std::string run_dir;
  std::string view;    // "summary", "follow", "lost", "node".
  std::string target;  // follow: the trace id; node: the node name.
  std::string reason;  // lost: only this reason.
  TraceFilter filter;
};

// Exit codes: 0 printed; 2 bad usage, or a run dir, trace id, node, mode or
// plot that does not exist (the message names it).
int trace_command(const TraceCommandOptions& options);

}  // namespace tearline
