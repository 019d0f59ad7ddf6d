#include "analysis/pictures/plot_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/pictures/dates.h"

namespace tearline::pictures {
namespace {

constexpr double kMarginPx = 10;
constexpr double kAxisWidthPx = 620;  // The date area.
constexpr double kLanePx = 22;        // One copy's row.
constexpr double kGapPx = 12;         // Between a column and the date area.
constexpr double kTopPx = 44;         // Rows of the deadlines' and the ticks' labels.
constexpr double kFieldPx = 2;        // Lane thickness per field of detail.

struct ModePlot {
  std::string mode;
  const v1::PlotOutcome* plot = nullptr;
  double response_h = 0;  // attack_h - respond_by
};

// The deadline: the attack minus the longest response time of the units
// covering the plot's area (a warning's own respond_by_h when it has one).
double respond_by_h(const v1::RunReport& report, const ModePlot& mode) {
  for (const v1::Warning& warning : mode.plot->warnings_not_actionable()) {
    if (warning.has_respond_by_h()) return warning.respond_by_h();
  }
  double response_h = 0;
  for (const auto& unit : report.modes().at(mode.mode).run().units()) {
    if (unit.area() == mode.plot->area()) response_h = std::max(response_h, unit.response_h());
  }
  return mode.plot->attack_h() - response_h;
}

double copy_end_h(const v1::Copy& copy, double run_end_h) {
  if (copy.hops().empty()) return 0;
  const v1::Hop& last = *copy.hops().rbegin();
  if (copy.fate() == "in_flight") return std::max(run_end_h, last.in_h());
  return last.has_out_h() ? last.out_h() : last.in_h();
}

const v1::Copy* find_copy(const v1::PlotOutcome& plot, const std::string& msg) {
  for (const v1::Copy& copy : plot.copies()) {
    if (copy.msg() == msg) return &copy;
  }
  return nullptr;
}

std::string join(const google::protobuf::RepeatedPtrField<std::string>& fields) {
  std::string out;
  for (const std::string& field : fields) out += (out.empty() ? "" : ", ") + field;
  return out.empty() ? "no detail" : out;
}

// What became of a copy, in a few words; the CSS class says how it ended.
std::pair<std::string, std::string> outcome_of(const v1::PlotOutcome& plot, const v1::Copy& copy,
                                               const Dates& dates) {
  std::string prefix;
  const v1::Copy* parent = copy.parent().empty() ? nullptr : find_copy(plot, copy.parent());
  if (parent != nullptr && copy.detail_size() < parent->detail_size()) {
    prefix = "sanitised to " + join(copy.detail()) + "; ";
  }
  const std::string last = copy.hops().empty() ? "" : copy.hops().rbegin()->handoff();
  if (copy.fate() == "lost") {
    return {prefix + "✕ " + copy.reason() + " at " + last, "outcome lost"};
  }
  if (copy.fate() == "in_flight") {
    return {prefix + "in flight: " + copy.reason() + " at the end", "outcome held"};
  }
  if (plot.first_actionable_msg() == copy.msg() && plot.has_first_actionable_at_h()) {
    return {prefix + fmt::format("actionable at {} {}, {} before the attack",
                                 plot.first_actionable_unit(),
                                 dates.minute(plot.first_actionable_at_h()),
                                 duration_text(plot.lead_time_h())),
            "outcome averted"};
  }
  for (const v1::Warning& warning : plot.warnings_not_actionable()) {
    if (warning.msg() != copy.msg()) continue;
    std::string verdict = warning.actionable() ? "" : "too thin";
    if (!warning.actionable() && warning.missing_size() > 0) {
      verdict += " (lacks " + join(warning.missing()) + ")";
    }
    if (!warning.in_time()) verdict += verdict.empty() ? "too late" : " and too late";
    return {prefix + fmt::format("reached {} {}: {}", warning.unit(), dates.minute(warning.at_h()),
                                 verdict),
            "outcome warning"};
  }
  const std::string node = copy.hops().empty() ? "" : copy.hops().rbegin()->node();
  return {prefix + "filed at " + node, "outcome delivered"};
}

// Days between ticks so that tick labels of `label_px` never touch.
int tick_days(double px_per_h, double label_px) {
  for (const int days : {1, 2, 7, 14, 28, 56}) {
    if (days * 24 * px_per_h >= label_px + 10) return days;
  }
  return 112;
}

}  // namespace

Picture plot_timeline(const v1::RunReport& report, const std::string& plot_id) {
  std::vector<ModePlot> modes;
  std::vector<std::string> names;
  for (const auto& [name, mode] : report.modes()) names.push_back(name);
  std::sort(names.begin(), names.end());
  double run_end_h = 0;
  std::string start_iso;
  for (const std::string& name : names) {
    const v1::ModeReport& mode = report.modes().at(name);
    run_end_h = std::max(run_end_h, mode.run().duration_h());
    if (start_iso.empty()) start_iso = mode.run().start_iso();
    for (const v1::PlotOutcome& plot : mode.plots()) {
      if (plot.id() == plot_id) modes.push_back({name, &plot, 0});
    }
  }
  if (modes.empty()) return {};
  const Dates dates(start_iso);

  // The date area spans every copy, warning and both deadlines.
  const v1::PlotOutcome& first = *modes.front().plot;
  double from_h = respond_by_h(report, modes.front());
  double to_h = first.attack_h();
  std::vector<std::vector<const v1::Copy*>> lanes(modes.size());
  std::vector<int> lanes_omitted(modes.size(), 0);
  double label_px = 0;
  double outcome_px = 0;
  for (size_t m = 0; m < modes.size(); ++m) {
    const v1::PlotOutcome& plot = *modes[m].plot;
    for (const v1::Copy& copy : plot.copies()) {
      if (copy.hops().empty()) continue;
      if (static_cast<int>(lanes[m].size()) >= kLanesPerModeMax) {
        ++lanes_omitted[m];
        continue;
      }
      lanes[m].push_back(&copy);
      from_h = std::min(from_h, copy.hops(0).in_h());
      to_h = std::max(to_h, copy_end_h(copy, run_end_h));
      label_px = std::max(label_px, text_width_px(copy.msg()));
      outcome_px = std::max(outcome_px, text_width_px(outcome_of(plot, copy, dates).first));
    }
    lanes_omitted[m] += static_cast<int>(plot.copies_omitted());
    for (const v1::Warning& warning : plot.warnings_not_actionable()) {
      from_h = std::min(from_h, warning.at_h());
      to_h = std::max(to_h, warning.at_h());
    }
  }
  const std::vector<std::string> headings = [&] {
    std::vector<std::string> out;
    for (const ModePlot& mode : modes) {
      out.push_back(mode.mode + ": " +
                    (mode.plot->averted()
                         ? "averted, " + duration_text(mode.plot->lead_time_h()) + " before"
                         : "not averted"));
    }
    return out;
  }();
  for (const std::string& heading : headings) {
    label_px = std::max(label_px, text_width_px(heading, kFontPx, true));
  }
  const double span_h = std::max(1.0, to_h - from_h);
  from_h -= span_h * 0.02;
  to_h += span_h * 0.02;
  const double axis_x = kMarginPx + label_px + kGapPx;
  const double px_per_h = kAxisWidthPx / (to_h - from_h);
  const auto x_of = [&](double t_h) { return axis_x + (t_h - from_h) * px_per_h; };

  Svg svg({{"class", "timeline"}, {"id", "timeline-" + plot_id}, {"data-plot", plot_id}});
  double y = kTopPx;
  // Rows first (lanes), so their height is known for the vertical lines.
  struct Row {
    double y;
    const v1::Copy* copy;
    size_t mode;
  };
  std::vector<Row> rows;
  std::vector<double> heading_y;
  std::vector<double> last_lane_y;  // Per mode: its last lane's row.
  for (size_t m = 0; m < modes.size(); ++m) {
    y += kLanePx;
    heading_y.push_back(y);
    for (const v1::Copy* copy : lanes[m]) {
      y += kLanePx;
      rows.push_back({y, copy, m});
    }
    last_lane_y.push_back(y);
    if (lanes[m].empty() || lanes_omitted[m] > 0) y += kLanePx;
  }
  const double bottom = y + kLanePx / 2;

  // The axis: day ticks and grid, then the deadline and the attack.
  const double tick_label_px = text_width_px("30 May");
  const int every_days = tick_days(px_per_h, tick_label_px);
  double tick_h = from_h + dates.to_midnight_h(from_h);
  if (!dates.known()) tick_h = std::ceil(from_h / 24) * 24;
  // Weeks start on Mondays.
  for (int day = 0; every_days >= 7 && day < 7 && dates.weekday(tick_h) != 0; ++day) tick_h += 24;
  for (; tick_h <= to_h; tick_h += 24.0 * every_days) {
    svg.line(x_of(tick_h), kTopPx - 6, x_of(tick_h), bottom, "grid");
    svg.text(x_of(tick_h), kTopPx - 10, dates.day(tick_h), "tick", Anchor::kMiddle);
  }
  const double respond_h = respond_by_h(report, modes.front());
  svg.line(x_of(respond_h), 14, x_of(respond_h), bottom, "deadline");
  svg.text(x_of(respond_h) - 4, 14, "respond by " + dates.day(respond_h), "deadline", Anchor::kEnd);
  svg.line(x_of(first.attack_h()), 14, x_of(first.attack_h()), bottom, "attack");
  svg.text(x_of(first.attack_h()) + 4, 14, "attack " + dates.minute(first.attack_h()), "attack",
           Anchor::kStart, true);

  for (size_t m = 0; m < modes.size(); ++m) {
    svg.text(kMarginPx, heading_y[m] - 5, headings[m],
             modes[m].plot->averted() ? "mode-heading averted" : "mode-heading not-averted",
             Anchor::kStart, true);
    if (lanes[m].empty()) {
      svg.text(kMarginPx, heading_y[m] + kLanePx - 5,
               "(this report lists no copies; warnings that reached a unit are marked)", "note");
    } else if (lanes_omitted[m] > 0) {
      svg.text(kMarginPx, last_lane_y[m] + kLanePx - 5,
               fmt::format("… and {} more copies not drawn", lanes_omitted[m]), "note");
    }
    // Warnings without a lane still get their marks, on the heading's row.
    if (lanes[m].empty()) {
      for (const v1::Warning& warning : modes[m].plot->warnings_not_actionable()) {
        svg.circle(x_of(warning.at_h()), heading_y[m] + kLanePx - 9, 5, "mark warning",
                   warning.msg() + " " + dates.minute(warning.at_h()));
      }
    }
  }

  std::map<std::pair<size_t, std::string>, double> lane_y;  // (mode, msg) -> lane middle.
  for (const Row& row : rows) lane_y[{row.mode, row.copy->msg()}] = row.y - 9;
  for (const Row& row : rows) {
    const v1::Copy& copy = *row.copy;
    const v1::PlotOutcome& plot = *modes[row.mode].plot;
    const double mid = row.y - 9;
    const double thickness = 2 + kFieldPx * copy.detail_size();
    svg.text(kMarginPx, row.y - 5, copy.msg(), "lane-name");
    // Made from another copy: a thin connector from its parent's lane.
    const auto parent = lane_y.find({row.mode, copy.parent()});
    if (parent != lane_y.end()) {
      svg.line(x_of(copy.hops(0).in_h()), parent->second, x_of(copy.hops(0).in_h()), mid,
               "derived");
    }
    const std::string detail_class = copy.detail_size() >= 4 ? " full" : " thin";
    for (int i = 0; i < copy.hops_size(); ++i) {
      const v1::Hop& hop = copy.hops(i);
      const double end_h = hop.has_out_h()                                             ? hop.out_h()
                           : (i + 1 == copy.hops_size() && copy.fate() == "in_flight") ? run_end_h
                                                                                       : hop.in_h();
      const std::string kind =
          hop.handoff().find("->") != std::string::npos ? "hop link" : "hop queue";
      svg.rect({x_of(hop.in_h()), mid - thickness / 2,
                std::max(2.0, (end_h - hop.in_h()) * px_per_h), thickness},
               kind + detail_class,
               fmt::format("{} at {}: {} to {}", hop.handoff(), hop.node(),
                           dates.minute(hop.in_h()), dates.minute(end_h)));
    }
    const double end_x = x_of(copy_end_h(copy, run_end_h));
    if (copy.fate() == "lost") svg.cross(end_x, mid, 10, "mark lost");
    if (copy.fate() == "in_flight") svg.circle(end_x, mid, 4, "mark held");
    for (const v1::Warning& warning : plot.warnings_not_actionable()) {
      if (warning.msg() == copy.msg()) {
        svg.circle(x_of(warning.at_h()), mid, 5, "mark warning",
                   warning.unit() + " " + dates.minute(warning.at_h()));
      }
    }
    if (plot.first_actionable_msg() == copy.msg() && plot.has_first_actionable_at_h()) {
      svg.circle(x_of(plot.first_actionable_at_h()), mid, 6, "mark averted",
                 plot.first_actionable_unit() + " " + dates.minute(plot.first_actionable_at_h()));
    }
    const auto [outcome, outcome_class] = outcome_of(plot, copy, dates);
    svg.text(axis_x + kAxisWidthPx + kGapPx, row.y - 5, outcome, outcome_class);
  }
  const double attack_label_right =
      x_of(first.attack_h()) + 4 +
      text_width_px("attack " + dates.minute(first.attack_h()), kFontPx, true);
  const double width =
      std::max(axis_x + kAxisWidthPx + kGapPx + outcome_px, attack_label_right) + kMarginPx;
  Picture picture;
  picture.svg = svg.finish(width, bottom + kMarginPx);
  picture.labels = svg.labels();
  picture.width_px = width;
  picture.height_px = bottom + kMarginPx;
  return picture;
}

}  // namespace tearline::pictures
