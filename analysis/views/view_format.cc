#include "analysis/views/view_format.h"

#include <fmt/format.h>

#include <sstream>

#include "analysis/read/text_table.h"
#include "base/iso_time.h"

namespace tearline::trace_views {

std::string hours(double t_h) { return fmt::format("{:.2f}h", t_h); }

std::string hours_with_date(const ModeInfo& mode, double t_h) {
  const auto date = iso_plus_hours(mode.start_iso, t_h);
  if (!date) return hours(t_h);
  return fmt::format("{} ({})", hours(t_h), *date);
}

std::string heading(const ModeInfo& mode, const std::string& title) {
  return fmt::format("== {}: {} ==\n\n", mode.name, title);
}

std::string fit_width(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    out += report::cut(line, report::kLineWidthMax);
    out += '\n';
  }
  return out;
}

}  // namespace tearline::trace_views
