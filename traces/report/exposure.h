// Which nodes saw a true source handle of another agency. Internal to
// tearline_report.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "traces/report/trace_reader.h"

namespace tearline::report {

// {source_handles_seen_by: {node: [handles, sorted]}, nodes: count}, from
// "received" events with source_kind "handle" whose source_agency is not the
// receiving node.
nlohmann::json source_exposure(const std::vector<Event>& events);

}  // namespace tearline::report
