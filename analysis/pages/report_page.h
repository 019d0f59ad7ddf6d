// report.html: a run's report as one self-contained page (inline CSS and
// SVG, no script, no network), rendered from the RunReport alone plus its
// words (analysis/explain/why.h), so it reads the same wherever it is opened.
//
// First screen: per plot, a verdict per mode side by side and the words
// (each fact links to its handoff's row below), the run's faults with what
// they cost (the costliest first, at most kFaultLinesShownMax), the handoff
// map of each mode side by side, each plot's timeline. Below: the numbers
// (plot table, where the copies ended, delay histograms, handoffs, centre,
// faults, nodes).
#pragma once

#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/explain/why.h"

namespace tearline::pages {

inline constexpr size_t kFaultLinesShownMax = 12;

std::string report_page(const v1::RunReport& report, const std::vector<explain::Story>& stories,
                        const std::vector<explain::FaultLine>& faults);

// The page with the report's own words (explain(), explain_faults()).
std::string report_page(const v1::RunReport& report);

}  // namespace tearline::pages
