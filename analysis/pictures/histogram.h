// A handoff's delay histogram (Handoff.delay_histogram_h) as a bar chart with
// axes: bins along x labelled at their edges in hours, or days for a long
// tail (a log scale when the report's bins are logarithmic: every bin the
// same width), counts up the y axis, and each bar's count above it.
#pragma once

#include "tearline/v1/run_report.pb.h"
#include "analysis/pictures/svg.h"

namespace tearline::pictures {

// Empty svg when the handoff has no bins (a report written before
// histograms, or a handoff nothing passed). `mode` is written on the svg
// (data-mode) with the handoff's name (data-handoff).
Picture histogram(const v1::Handoff& handoff, std::string_view mode);

}  // namespace tearline::pictures
