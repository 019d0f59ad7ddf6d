// A comparison in words, shared by its text and HTML renderings.
#pragma once

#include <cstdint>
#include <string>

#include "tearline/v1/run_comparison.pb.h"

namespace tearline::compare {

// "not averted -> averted, lead 12d 12h", "averted in both, lead 15d 22h ->
// 12d 12h (-3d 10h)", "not averted in either", "only in A (averted, lead
// 3d)".
std::string outcome_text(const v1::PlotChange& plot);

// A duration in scenario hours: "12d 12h" from a day on (whole hours),
// "7.5h" below. `signed_text` adds "+" or "-".
std::string duration_text(double hours, bool signed_text = false);

// "+3", "-161", "0".
std::string delta_text(int64_t delta);

}  // namespace tearline::compare
