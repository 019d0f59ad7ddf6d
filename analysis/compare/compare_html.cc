#include "analysis/compare/compare_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/html_escape.h"
#include "analysis/compare/compare.h"
#include "analysis/compare/wording.h"

namespace tearline::compare {

namespace {

constexpr int kBarWidthPx = 80;
constexpr int kBarHeightPx = 12;

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 1.5em; } h3 { font-size: 1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: middle; }
th, td:first-child { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.same { color: #999; }
.caveat { color: #8a4b00; }
.now { color: #1a7f37; font-weight: bold; } .lost { color: #b42318; font-weight: bold; }
svg rect.worse { fill: #d9534f; } svg rect.better { fill: #3c9d5d; }
svg line { stroke: #888; }
)";

// A delta as a bar from a centre line: right and red when it grows (more
// lost, more waiting), left and green when it shrinks. `fraction` is the
// delta over the largest of its column, in [-1, 1].
std::string bar(double fraction) {
  if (!std::isfinite(fraction)) fraction = 0.0;
  fraction = std::clamp(fraction, -1.0, 1.0);
  const double half_px = kBarWidthPx / 2.0;
  const double length_px = std::abs(fraction) * (half_px - 1.0);
  const double x_px = fraction >= 0 ? half_px : half_px - length_px;
  std::string rect;
  if (length_px > 0) {
    rect = fmt::format(R"(<rect class="{}" x="{:.1f}" y="2" width="{:.1f}" height="{}"/>)",
                       fraction > 0 ? "worse" : "better", x_px, length_px, kBarHeightPx - 4);
  }
  return fmt::format(R"(<svg width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img">{2})"
                     R"(<line x1="{3}" y1="0" x2="{3}" y2="{1}"/></svg>)",
                     kBarWidthPx, kBarHeightPx, rect, half_px);
}

double fraction_of(int64_t delta, int64_t largest) {
  return largest == 0 ? 0.0 : static_cast<double>(delta) / static_cast<double>(largest);
}

std::string count_cell(const v1::CountChange& count) {
  if (count.delta() == 0) return fmt::format("{}", count.a());
  return fmt::format("{} &rarr; {} ({})", count.a(), count.b(), delta_text(count.delta()));
}

std::string delay_cell(const v1::DelayChange& delay) {
  const auto hours = [](bool present, double h) {
    return present ? fmt::format("{:.1f}", h) : std::string("-");
  };
  const std::string a = hours(delay.has_a_h(), delay.a_h());
  const std::string b = hours(delay.has_b_h(), delay.b_h());
  return a == b ? a : a + " &rarr; " + b;
}

// The p90's change as a signed fraction of the larger p90.
double p90_fraction(const v1::HandoffChange& handoff) {
  const v1::DelayChange& p90 = handoff.delay_p90_h();
  if (!p90.has_delta_h()) {
    return p90.has_a_h() == p90.has_b_h() ? 0.0 : (p90.has_b_h() ? 1.0 : -1.0);
  }
  return p90.delta_h() >= 0 ? handoff.p90_relative_change() : -handoff.p90_relative_change();
}

std::string plots_html(const v1::ModeComparison& mode) {
  std::string html =
      "<h3>Plots, outcome changes first</h3>\n<table>\n"
      "<tr><th>plot</th><th>area</th><th>A</th><th>B</th><th>change</th></tr>\n";
  const auto side = [](bool present, const v1::PlotSide& s) {
    if (!present) return std::string("-");
    if (!s.averted()) return std::string("not averted");
    return s.has_lead_time_h() ? "averted, lead " + duration_text(s.lead_time_h()) : "averted";
  };
  for (const auto& plot : mode.plots()) {
    const char* css = plot.outcome() == v1::PlotChange::NOW_AVERTED         ? "now"
                      : plot.outcome() == v1::PlotChange::NO_LONGER_AVERTED ? "lost"
                                                                            : "";
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
        html_escape(plot.id()), html_escape(plot.area()), side(plot.has_a(), plot.a()),
        side(plot.has_b(), plot.b()), css, html_escape(outcome_text(plot)));
  }
  return html + "</table>\n";
}

std::string handoffs_html(const v1::ModeComparison& mode) {
  int64_t lost_max = 0;
  int64_t in_flight_max = 0;
  for (const auto& handoff : mode.handoffs()) {
    lost_max = std::max(lost_max, std::abs(handoff.lost().delta()));
    in_flight_max = std::max(in_flight_max, std::abs(handoff.in_flight().delta()));
  }
  std::string html =
      "<h3>Handoffs, largest change first</h3>\n"
      "<p>Ordered by |&Delta; lost| + |&Delta; in flight|, then by the relative change of the "
      "p90 delay. Bars: right and red is more (lost, in flight, waiting), left and green "
      "less; each scaled to its column's largest change.</p>\n<table>\n"
      "<tr><th>handoff</th><th>type</th><th>lost</th><th></th><th>in flight</th><th></th>"
      "<th>in</th><th>out</th><th>delay p50 h</th><th>delay p90 "
      "h</th><th></th><th>sanitised</th></tr>\n";
  for (const auto& handoff : mode.handoffs()) {
    std::string name = html_escape(handoff.name());
    if (handoff.presence() == v1::HandoffChange::ONLY_IN_A) name += " <i>(only A)</i>";
    if (handoff.presence() == v1::HandoffChange::ONLY_IN_B) name += " <i>(only B)</i>";
    html += fmt::format(
        "<tr{}><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td>"
        "<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
        handoff.changed() ? "" : " class=\"same\"", name, html_escape(handoff.type()),
        count_cell(handoff.lost()), bar(fraction_of(handoff.lost().delta(), lost_max)),
        count_cell(handoff.in_flight()),
        bar(fraction_of(handoff.in_flight().delta(), in_flight_max)), count_cell(handoff.in()),
        count_cell(handoff.out()), delay_cell(handoff.delay_p50_h()),
        delay_cell(handoff.delay_p90_h()), bar(p90_fraction(handoff)),
        handoff.has_sanitised() ? count_cell(handoff.sanitised()) : "");
  }
  return html + "</table>\n";
}

std::string counts_html(const v1::ModeComparison& mode) {
  const v1::MessagesChange& m = mode.messages();
  std::string html = "<h3>Messages</h3>\n<table>\n";
  for (const auto& [name, count] :
       {std::pair{"created", &m.created()}, std::pair{"delivered", &m.delivered()},
        std::pair{"lost", &m.lost()}, std::pair{"in flight", &m.in_flight()},
        std::pair{"unaccounted", &m.unaccounted()}}) {
    html += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td></tr>\n", name, count_cell(*count));
  }
  html += "</table>\n<h3>Lost by reason</h3>\n<table>\n";
  int64_t largest = 0;
  for (const auto& reason : mode.lost_by_reason()) {
    largest = std::max(largest, std::abs(reason.lost().delta()));
  }
  for (const auto& reason : mode.lost_by_reason()) {
    html += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                        html_escape(reason.reason()), count_cell(reason.lost()),
                        bar(fraction_of(reason.lost().delta(), largest)));
  }
  return html + "</table>\n";
}

std::string exposure_html(const v1::ModeComparison& mode) {
  std::string html = fmt::format(
      "<h3>Source exposure</h3>\n<p>Nodes that saw another agency's true source handle: "
      "{}</p>\n<table>\n",
      count_cell(mode.exposure().nodes()));
  for (const auto& node : mode.exposure().by_node()) {
    html += fmt::format("<tr><td>{}</td><td class=\"n\">{} handles</td></tr>\n",
                        html_escape(node.node()), count_cell(node.handles()));
  }
  return html + "</table>\n";
}

std::string mode_html(const v1::ModeComparison& mode) {
  std::string html = mode.mode_a() == mode.mode_b()
                         ? fmt::format("<h2>{}: A &rarr; B</h2>\n", html_escape(mode.mode_a()))
                         : fmt::format("<h2>{} (A) &rarr; {} (B)</h2>\n",
                                       html_escape(mode.mode_a()), html_escape(mode.mode_b()));
  if (!has_changes(mode)) {
    html += "<p>No changes: the same outcomes, handoffs, message counts and exposure.</p>\n";
  }
  return html + plots_html(mode) + handoffs_html(mode) + counts_html(mode) + exposure_html(mode);
}

std::string side_html(const char* letter, const v1::RunSide& side) {
  return fmt::format("<li><b>{}</b>: {} ({}, {})</li>\n", letter, html_escape(side.path()),
                     side.has_scenario() ? html_escape(side.scenario()) : "scenario unknown",
                     side.has_seed() ? fmt::format("seed {}", side.seed()) : "seed unknown");
}

}  // namespace

std::string comparison_html(const v1::RunComparison& comparison) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>tearline compare</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1>tearline compare</h1>\n<ul>\n{}{}</ul>\n",
      kStyle, side_html("A", comparison.a()), side_html("B", comparison.b()));
  if (!comparison.caveats().empty()) {
    html += "<ul class=\"caveat\">\n";
    for (const std::string& caveat : comparison.caveats()) {
      html += "<li>" + html_escape(caveat) + "</li>\n";
    }
    html += "</ul>\n";
  }
  if (comparison.modes().empty()) html += "<p>No mode in both runs: nothing compared.</p>\n";
  for (const auto& mode : comparison.modes()) html += mode_html(mode);
  return html + "</body>\n</html>\n";
}

}  // namespace tearline::compare
