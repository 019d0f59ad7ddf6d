// `tearline compare --html FILE`: a self-contained page (inline CSS and
// SVG, no scripts, nothing fetched) of a comparison: the runs and their
// caveats, then per compared mode a table of plots (outcome changes first)
// and a table of every handoff, largest change first, with small bars of
// the deltas; messages, losses by reason and exposure.
#pragma once

#include <string>

#include "tearline/v1/run_comparison.pb.h"

namespace tearline::compare {

// Every name from the reports is HTML-escaped (a report is untrusted).
std::string comparison_html(const v1::RunComparison& comparison);

}  // namespace tearline::compare
