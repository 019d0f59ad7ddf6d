// One plot's intelligence on a date line, both modes on one axis: each copy
// of its reports a lane across its handoffs (links, queues, decisions), from
// source to its end. A lane's thickness is the copy's detail, so a tearline
// copy (sanitised) is visibly thinner than its original; a lost copy ends in
// a red cross, a copy still held at the end runs to the run's end; warnings
// that reached a unit are marked where they arrived (too thin, too late, or
// actionable). The attack and the response deadline are vertical lines.
//
// Every label is at least kFontPx and none overlaps another: the axis and
// the two deadlines have rows of their own, and each lane's name and outcome
// sit in columns left and right of the date area.
#pragma once

#include <string>

#include "tearline/v1/run_report.pb.h"
#include "analysis/pictures/svg.h"

namespace tearline::pictures {

// At most this many lanes per mode; the rest are counted in one line.
inline constexpr int kLanesPerModeMax = 60;

// The timeline of plot `plot_id` in every mode of `report` that has it (modes
// in name order). Empty svg when no mode has the plot.
Picture plot_timeline(const v1::RunReport& report, const std::string& plot_id);

}  // namespace tearline::pictures
