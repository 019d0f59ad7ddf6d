// The run report: what a run answers (docs/MODEL.md, "What a
// run must answer"), computed from its trace files only. Stateless; safe to
// call from any thread.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"

namespace tearline {

class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads every <run_dir>/<mode>/*.trace.jsonl (a mode dir is a subdirectory
// holding launcher.trace.jsonl) once, in time order (ModeScan::
// read_in_time_order()), each mode on a thread of its own, and computes the
// report (report.json is report::to_json() of it). Its memory grows with
// the run's messages, not its events. Malformed lines are skipped with one
// warning each naming file and line, appended to *warnings (if not null),
// as is a run that did not finish. Throws ReportError if run_dir has no
// mode with traces.
v1::RunReport build_report(const std::string& run_dir, std::vector<std::string>* warnings);

}  // namespace tearline
