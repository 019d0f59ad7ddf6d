// Was each plot averted, how early, by which path, and where did the copies
// that did not arrive die. Internal to tearline_report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/report/message_fates.h"
#include "traces/report/trace_reader.h"

namespace tearline::report {

// True if `detail` lets a unit act: a subject, and a site or a window. A
// warning the unit did not act on (no "acted" event) is judged by it.
bool has_actionable_detail(const std::vector<std::string>& detail);

// One entry per plot of run_info (a RunInfo; null gives none): {id, area,
// attack_h, attack_at, averted, first_actionable_at, first_actionable_at_h,
// first_actionable_unit, first_actionable_msg, lead_time_h, path, warnings,
// lost_at, warnings_not_actionable}. A warning is a "delivered" event in
// handoff intake@U of a message of one of the plot's traces, U a unit of the
// plot's area; it is actionable in time when its "acted" event says
// actionable (or, lacking one, its detail has subject and site or window) and
// it arrived no later than attack_h - U's response_h.
nlohmann::json plot_outcomes(const std::vector<Event>& events, const MessageIndex& index,
                             const nlohmann::json& run_info);

}  // namespace tearline::report
