// The run report: what a run answers (docs: /work/shared/MODEL.md, "What a
// run must answer"), computed from its trace files only. Stateless; safe to
// call from any thread.
#pragma once

#include <nlohmann/json.hpp>
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

// The human report: modes side by side.
std::string render_text(const v1::RunReport& report);

// A report time: "2017-05-20 10:00" from its ISO date-time, else
// "hour 490.0" from its scenario hour, else "-".
std::string when_text(const nlohmann::json& iso, const nlohmann::json& t_h);
// A lead time in hours: "15d 16.5h", "7.5h", or "-".
std::string lead_text(const nlohmann::json& lead_h);

}  // namespace tearline
