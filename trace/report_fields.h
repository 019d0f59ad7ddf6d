// Copies what a trace event says about a report (detail, area, source as
// carried) from the report itself, so every node traces reports alike.
#pragma once

#include "trace/trace.h"
#include "tearline/v1/report.pb.h"

namespace tearline {

// Sets trace, detail, area, background, source_kind, source and
// source_agency from `report`, clearing those the report lacks: an event
// reused for one report after another carries nothing of the previous one
// (and, its strings keeping their capacity, is filled without allocating).
void fill_report_fields(const v1::ThreatReport& report, TraceEvent* event);
// The source part of fill_report_fields(): source_kind, source and
// source_agency, for an event filled for the same report before its source
// changed.
void fill_source_fields(const v1::ThreatReport& report, TraceEvent* event);

// A trace event of `kind` about `message_id` carrying `report`.
TraceEvent report_event(std::string_view kind, const std::string& message_id,
                        const v1::ThreatReport& report, double t_h, std::string handoff);

}  // namespace tearline
