#include "analysis/compare/wording.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace tearline::compare {

using v1::PlotChange;

std::string duration_text(double hours, bool signed_text) {
  const std::string sign = !signed_text ? (hours < 0 ? "-" : "") : (hours < 0 ? "-" : "+");
  const double size_h = std::abs(hours);
  if (!std::isfinite(size_h) || size_h >= 1e9) return fmt::format("{}{:.3g}h", sign, size_h);
  if (size_h < 24.0) {
    std::string text = fmt::format("{:.1f}", size_h);
    if (text.ends_with(".0")) text.resize(text.size() - 2);
    return sign + text + "h";
  }
  const long long whole_h = std::llround(size_h);
  const long long days = whole_h / 24;
  const long long rest_h = whole_h % 24;
  return rest_h == 0 ? fmt::format("{}{}d", sign, days)
                     : fmt::format("{}{}d {}h", sign, days, rest_h);
}

std::string delta_text(int64_t delta) {
  return delta > 0 ? fmt::format("+{}", delta) : fmt::format("{}", delta);
}

namespace {

std::string side_text(const v1::PlotSide& side) {
  if (!side.averted()) return "not averted";
  return side.has_lead_time_h() ? "averted, lead " + duration_text(side.lead_time_h()) : "averted";
}

std::string lead_text(const v1::PlotSide& side) {
  return side.has_lead_time_h() ? duration_text(side.lead_time_h()) : "-";
}

}  // namespace

std::string outcome_text(const v1::PlotChange& plot) {
  switch (plot.outcome()) {
    case PlotChange::NOW_AVERTED:
      return "not averted -> " + side_text(plot.b());
    case PlotChange::NO_LONGER_AVERTED:
      return side_text(plot.a()) + " -> not averted";
    case PlotChange::STILL_AVERTED:
      if (!plot.has_lead_time_change_h() || plot.lead_time_change_h() == 0.0) {
        return "averted in both, lead " + lead_text(plot.a());
      }
      return fmt::format("averted in both, lead {} -> {} ({})", lead_text(plot.a()),
                         lead_text(plot.b()), duration_text(plot.lead_time_change_h(), true));
    case PlotChange::STILL_NOT_AVERTED:
      return "not averted in either";
    case PlotChange::ONLY_IN_A:
      return "only in A (" + side_text(plot.a()) + ")";
    case PlotChange::ONLY_IN_B:
      return "only in B (" + side_text(plot.b()) + ")";
    default:
      throw std::logic_error("outcome_text: a plot change without an outcome");
  }
}

}  // namespace tearline::compare
