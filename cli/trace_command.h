// `tearline trace RUN_DIR [VIEW [ARG]] [--perfetto F] [--perfetto-proto F] [--otlp F]
// [--mermaid F] [--html F]`:
// terminal views of a run's traces (summary, follow TRACE_ID, lost, node
// NAME) with filters, and exports to Perfetto, OTLP/JSON, Mermaid and HTML files.
#pragma once

#include <string>
#include <vector>

#include "analysis/views/trace_views.h"

namespace tearline {

struct TraceCommandOptions {
  std::string run_dir;
  std::string view;    // "summary", "follow", "lost", "node"; empty: none (or
                       // summary when no export is asked for either).
  std::string target;  // follow: the trace id; node: the node name.
  std::string reason;  // lost: only this reason.
  TraceFilter filter;
  // Exports written to these files when set (trace_exports.h).
  std::string perfetto_path;
  std::string perfetto_proto_path;
  std::string otlp_path;
  std::string mermaid_path;
  std::string html_path;
  std::vector<std::string> mermaid_trace_ids;  // Mermaid and HTML; empty: every plot's.
  bool group_readable = false;  // Exports 0640 instead of 0600 (launcher/file_modes.h).
};

// Exit codes: 0 printed; 1 an export cannot be written (the message names
// the file and why); 2 bad usage, or a run dir, trace id, node, mode or
// plot that does not exist (the message names it).
int trace_command(const TraceCommandOptions& options);

}  // namespace tearline
