// Copies what a trace event says about a report (detail, area, source as
// carried) from the report itself, so every node traces reports alike.
#pragma once

#include "common/trace.h"
#include "tearline/v1/report.pb.h"

namespace tearline {

void fill_report_fields(const v1::ThreatReport& report, TraceEvent* event);

// A trace event of `kind` about `message_id` carrying `report`.
TraceEvent report_event(std::string_view kind, const std::string& message_id,
                        const v1::ThreatReport& report, double t_h, std::string handoff);

}  // namespace tearline
