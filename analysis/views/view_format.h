// Shared formatting of the trace views. Internal to tearline_trace_views.
#pragma once

#include <string>

#include "analysis/views/loaded_run.h"

namespace tearline::trace_views {

// "40.99h".
std::string hours(double t_h);
// "40.99h (2020-01-02T16:59:21Z)", or just hours when start_iso is unknown.
std::string hours_with_date(const ModeInfo& mode, double t_h);
// "== coordinated: TITLE ==" and a blank line after.
std::string heading(const ModeInfo& mode, const std::string& title);
// `text` with every line longer than report::kLineWidthMax cut to it.
std::string fit_width(const std::string& text);

}  // namespace tearline::trace_views
