// A run's traces as the exporters need them: the report reader's events and
// each mode's RunInfo. Internal to tearline_trace_exports.
#pragma once

#include <string>
#include <vector>

#include "traces/report/trace_reader.h"

namespace tearline::trace_exports {

struct ModeEvents {
  report::ModeTraces traces;
  nlohmann::json run;  // RunInfo of the mode's run event, else null.
};

// Every mode of run_dir, sorted by name, with the losses crashes caused
// (crash_losses.h). Malformed lines are skipped with one warning each
// (file:line) appended to *warnings, if not null.
std::vector<ModeEvents> read_run(const std::string& run_dir, std::vector<std::string>* warnings);

// Every plot's trace ids from the modes' run events, in first-seen order:
// what the diagrams draw when no trace id is chosen.
std::vector<std::string> plot_trace_ids(const std::vector<ModeEvents>& modes);

// "A->B" for a link handoff: true, with *from = A and *to = B.
bool split_link(const std::string& handoff, std::string* from, std::string* to);

}  // namespace tearline::trace_exports
