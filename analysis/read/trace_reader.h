// Reading a run's trace files (schema: proto/tearline/v1/trace.proto) into
// memory, built on ModeScan (trace_scan.h). Internal to the analysis layers.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/read/event.h"
#include "analysis/read/event_json.h"

namespace tearline::report {

// All events of one mode directory.
struct ModeTraces {
  std::string mode;
  std::vector<std::string> files;  // Paths, in the order read.
  std::vector<Event> events;       // In time order; see read_mode().
};

// The subdirectories of run_dir that hold a launcher.trace.jsonl, sorted by
// name. Empty if run_dir is not a readable directory.
std::vector<std::filesystem::path> find_mode_dirs(const std::filesystem::path& run_dir);

// Reads every *.trace.jsonl in mode_dir, as ModeScan::read() does: malformed
// lines and an earlier run's lines are skipped, with warnings naming file and
// line appended to *warnings (if not null). Events are sorted by scenario
// time, then wall time, then file and line, so one node's events keep the
// order it wrote them.
ModeTraces read_mode(const std::filesystem::path& mode_dir, std::vector<std::string>* warnings);

// Sorts by scenario time, then wall time, then file and line, and numbers
// the events' order.
void sort_in_time_order(std::vector<Event>* events);

}  // namespace tearline::report
