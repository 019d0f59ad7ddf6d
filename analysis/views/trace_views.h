// Terminal views of a run's trace files (`tearline trace RUN_DIR VIEW ...`):
// a summary, one trace followed from its source, the lost messages, and one
// node's events. Each view covers the run's modes in order.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tearline {

// Every field is optional; empty means no filter. Events pass when they meet
// them all. A message passes (summary fates, lost list) when the event that
// decided its fate passes.
struct TraceFilter {
  std::string mode;                    // "bilateral" / "coordinated".
  std::string plot;                    // Plot id: only messages whose trace id belongs to it.
  std::string node;                    // Events written at this node.
  std::optional<double> from_h, to_h;  // Scenario-time window, inclusive.
};

// Each returns the text to print, and throws std::runtime_error (with the run
// dir and the bad name) for a run dir without modes, an unknown mode or plot,
// or (follow, node) an unknown trace id or node. Malformed trace lines are
// skipped; one warning each ("file:line: ...") is appended to *warnings (if
// not null).
std::string trace_summary(const std::string& run_dir, const TraceFilter& filter,
                          std::vector<std::string>* warnings);
std::string trace_follow(const std::string& run_dir, const std::string& trace_id,
                         const TraceFilter& filter, std::vector<std::string>* warnings);
// reason: empty = all reasons.
std::string trace_lost(const std::string& run_dir, const std::string& reason,
                       const TraceFilter& filter, std::vector<std::string>* warnings);
// The same text, written to *out as it is made: a run can lose most of its
// messages. Throws (before writing anything) as trace_lost.
void trace_lost(const std::string& run_dir, const std::string& reason, const TraceFilter& filter,
                std::vector<std::string>* warnings, std::ostream* out);
std::string trace_node(const std::string& run_dir, const std::string& node,
                       const TraceFilter& filter, std::vector<std::string>* warnings);
// The same text, written to *out as it is made: a node's table can be as
// long as the run (the centre's), and is not held whole. Throws (before
// writing anything) as trace_node.
void trace_node(const std::string& run_dir, const std::string& node, const TraceFilter& filter,
                std::vector<std::string>* warnings, std::ostream* out);

}  // namespace tearline
