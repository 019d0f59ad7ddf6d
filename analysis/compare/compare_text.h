// `tearline compare`'s text (stdout): the runs and their caveats, then per
// compared mode the plots, the handoffs that changed most, messages, losses
// by reason and source exposure.
#pragma once

#include <cstddef>
#include <string>

#include "tearline/v1/run_comparison.pb.h"

namespace tearline::compare {

// At most this many handoffs per mode in the text; --json and --html list
// every one.
inline constexpr size_t kTextHandoffsMax = 12;
// Names from a report are cut to this many characters in the text.
inline constexpr size_t kTextNameCharsMax = 48;

// Every line ends in '\n'. Names from the reports are shown with control
// characters replaced by '?' (a report is untrusted input and the text
// goes to a terminal).
std::string comparison_text(const v1::RunComparison& comparison);

}  // namespace tearline::compare
