// The comparison of two run reports: per plot, outcome and lead time in A
// and B; per handoff, counts and delays in A and B; messages, losses by
// reason and source exposure; the largest changes first (the order is
// stated in proto/tearline/v1/run_comparison.proto). Pure functions of the
// reports: no files, no clock; safe to call from any thread.
#pragma once

#include <string>

#include "tearline/v1/run_comparison.pb.h"
#include "tearline/v1/run_report.pb.h"

namespace tearline::compare {

// A report and where it came from (a run directory or a report.json, as the
// user named it).
struct NamedReport {
  std::string path;
  v1::RunReport report;
};

// Every mode the two reports share, each with the same mode of the other
// (in the order bilateral, coordinated, then others by name). A mode only
// one report has is not compared but named in the caveats, as are
// different scenarios, seeds and faults.
v1::RunComparison compare_runs(const NamedReport& a, const NamedReport& b);

// One report's mode `mode_a` (as A) against its mode `mode_b` (as B):
// `tearline compare RUN --modes`. Throws std::invalid_argument naming the
// mode the report lacks.
v1::RunComparison compare_modes(const NamedReport& run, const std::string& mode_a,
                                const std::string& mode_b);

// True when some plot's outcome or lead time, some handoff, count or
// exposure differs.
bool has_changes(const v1::ModeComparison& mode);

}  // namespace tearline::compare
