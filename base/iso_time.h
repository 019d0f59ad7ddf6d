// Scenario hours as calendar date-times. Internal to tearline_report.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tearline::report {

// start_iso ("YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" or "+HH:MM"
// suffix) plus t_h hours, rounded to the second, as "YYYY-MM-DDTHH:MM:SS" with
// the same suffix. Nullopt if start_iso does not parse.
std::optional<std::string> iso_plus_hours(std::string_view start_iso, double t_h);

}  // namespace tearline::report
