// The node processes of a mode: how they ended and their peak memory.
// Internal to tearline_report.
#pragma once

#include <nlohmann/json.hpp>

#include "traces/report/trace_reader.h"

namespace tearline::report {

// [{name, peak_rss_kib, exit}], sorted by name: every node that has a trace
// file (other than the launcher's) or a "node_stopped" event. exit is the
// node_stopped reason ("exit:0", "signal:KILL"); null fields mean the node
// never reported stopping.
nlohmann::json node_summary(const ModeTraces& traces);

}  // namespace tearline::report
