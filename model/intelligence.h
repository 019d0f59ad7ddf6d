// What a report is worth: its detail, whether it is actionable, how a desk
// ranks it, and the tearline (sanitised) copy of it (docs/MODEL.md,
// "Intelligence" and "Handoffs").
#pragma once

#include <string>
#include <vector>

#include "tearline/v1/control.pb.h"
#include "tearline/v1/report.pb.h"

namespace tearline {

// Names of the operational fields present, in the order subject, area, site,
// window, method.
std::vector<std::string> detail_fields(const v1::ThreatReport& report);
int detail_count(const v1::ThreatReport& report);

// Enough detail to act on: subject plus site or window.
bool has_actionable_detail(const v1::ThreatReport& report);

// Parses an Admiralty grading such as "B2" into reliability (A=1 .. F=6) and
// credibility (1..6). Returns false if malformed.
bool parse_admiralty(const std::string& grading, int* reliability, int* credibility);

// The priority a desk gives a report, 0..100: grows with severity, detail and
// credibility (A1 best), plus `boost` (correlation), capped at 100. A
// sanitised, nondescript report therefore ranks low.
int relevance(const v1::ThreatReport& report, int boost = 0);

// The tearline copy: a new report with `new_report_id`, the same trace id,
// stripped of site, window, method and source identity (agency and value
// kept), graded F6 ("cannot be judged"), severity capped at moderate,
// marked sanitised: a nondescript copy that a receiving desk ranks low.
v1::ThreatReport sanitise(const v1::ThreatReport& report, const std::string& new_report_id);

// Lower-case names used in scenario files and traces.
std::string severity_name(v1::Severity severity);  // "low" .. "critical"
bool parse_severity(const std::string& name, v1::Severity* severity);
std::string tlp_name(v1::Tlp tlp);  // "clear", "green", "amber", "amber+strict", "red"
bool parse_tlp(const std::string& name, v1::Tlp* tlp);
// What a fault aimed at intelligence does to a report, as scenario files,
// `tearline fault` and the traces name it: "lose", "delay", "withhold",
// "share-full"; "" for no action.
std::string intel_fault_verb(v1::IntelFault::Action action);
bool parse_intel_fault_verb(const std::string& name, v1::IntelFault::Action* action);

}  // namespace tearline
