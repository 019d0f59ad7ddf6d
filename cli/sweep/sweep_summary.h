// `tearline sweep`'s summary on stdout: a line per point and plot, a column
// per mode: in how many of its runs the plot was averted.
#pragma once

#include "tearline/v1/sweep_results.pb.h"

namespace tearline {

void print_summary(const v1::SweepResults& results);

}  // namespace tearline
