// sweep.html: a sweep's results as one self-contained page (inline SVG, no
// script): for each plot, the share of runs in which it was averted with its
// 95% Wilson interval against each parameter, the modes side by side; the
// lead times of averted runs; losses by reason; and every point's shares.
#pragma once

#include <string>
#include <utility>

#include "tearline/v1/sweep_results.pb.h"

namespace tearline::sweep {

// The 95% Wilson score interval of `averted` successes in `runs` trials, as
// {low, high}; {0, 1} for no runs.
std::pair<double, double> wilson_interval(int averted, int runs);

// The page for `sweep` (what sweep.json holds); rows without a report
// (no messages) are left out.
std::string sweep_html(const v1::SweepResults& sweep);

}  // namespace tearline::sweep
