#include "analysis/pictures/histogram.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/invariant.h"

namespace tearline::pictures {
namespace {

constexpr double kPlotHeightPx = 110;
constexpr double kAxisLeftPx = 56;  // Room for the y ticks' counts.
constexpr double kTopPx = 36;       // Room for the y title and the counts above bars.
constexpr double kBarMinWidthPx = 40;
constexpr double kGapPx = 8;  // Between labels.
constexpr double kHoursPerDay = 24;
// Above this, the x axis speaks days.
constexpr double kDaysAboveH = 72;

std::string edge_text(double value) {
  if (value == 0) return "0";
  if (value < 1) return fmt::format("{:.2f}", value);
  if (value < 10) return fmt::format("{:.1f}", value);
  return fmt::format("{:.0f}", value);
}

}  // namespace

Picture histogram(const v1::Handoff& handoff, std::string_view mode) {
  const auto& bins = handoff.delay_histogram_h().bins();
  if (bins.empty()) return {};
  const bool log = handoff.delay_histogram_h().log();
  const bool days = bins.rbegin()->to_h() > kDaysAboveH;
  const double scale = days ? 1 / kHoursPerDay : 1.0;
  uint32_t most = 0;
  for (const auto& bin : bins) most = std::max(most, bin.count());

  // Bars wide enough for their counts, and edge labels every `stride` bins
  // so that they never touch.
  double bar_px = kBarMinWidthPx;
  double edge_px = 0;
  for (const auto& bin : bins) {
    bar_px = std::max(bar_px, text_width_px(count_text(bin.count())) + kGapPx);
    edge_px = std::max(edge_px, text_width_px(edge_text(bin.to_h() * scale)));
  }
  const int stride = static_cast<int>(std::ceil((edge_px + kGapPx) / bar_px));
  TEARLINE_ASSERT(stride >= 1);  // Labels every bin at the most (bars are never zero wide).
  const double plot_bottom = kTopPx + kPlotHeightPx;
  const double width = kAxisLeftPx + bar_px * static_cast<double>(bins.size()) + edge_px / 2 + 8;
  const std::string x_title =
      fmt::format("delay, {}{}", days ? "days" : "hours", log ? ", log scale" : "");

  Svg svg(
      {{"class", "histogram"}, {"data-mode", std::string(mode)}, {"data-handoff", handoff.name()}});
  svg.text(4, 14, "messages", "axis-title");
  // The y axis: 0, half and the largest count.
  svg.line(kAxisLeftPx, kTopPx - 4, kAxisLeftPx, plot_bottom, "axis");
  const std::vector<uint32_t> y_ticks =
      most >= 4 ? std::vector<uint32_t>{0, most / 2, most} : std::vector<uint32_t>{0, most};
  for (const uint32_t tick : y_ticks) {
    const double y = plot_bottom - kPlotHeightPx * tick / std::max<uint32_t>(most, 1);
    svg.line(kAxisLeftPx - 4, y, kAxisLeftPx, y, "axis");
    svg.text(kAxisLeftPx - 6, y + 4, count_text(tick), "tick", Anchor::kEnd);
  }
  svg.line(kAxisLeftPx, plot_bottom, kAxisLeftPx + bar_px * bins.size(), plot_bottom, "axis");
  for (int i = 0; i < bins.size(); ++i) {
    const auto& bin = bins[i];
    const double x = kAxisLeftPx + bar_px * i;
    const double h = kPlotHeightPx * bin.count() / std::max<uint32_t>(most, 1);
    svg.rect({x + 2, plot_bottom - h, bar_px - 4, h}, "bar",
             fmt::format("{}–{} {}: {} messages", edge_text(bin.from_h() * scale),
                         edge_text(bin.to_h() * scale), days ? "d" : "h", bin.count()));
    svg.text(x + bar_px / 2, plot_bottom - h - 4, {{count_text(bin.count()), "count"}}, "count",
             Anchor::kMiddle);
    if (i % stride == 0) {
      svg.line(x, plot_bottom, x, plot_bottom + 4, "axis");
      svg.text(x, plot_bottom + 17, edge_text(bin.from_h() * scale), "tick", Anchor::kMiddle);
    }
  }
  if (bins.size() % stride == 0) {
    const double x = kAxisLeftPx + bar_px * bins.size();
    svg.line(x, plot_bottom, x, plot_bottom + 4, "axis");
    svg.text(x, plot_bottom + 17, edge_text(bins.rbegin()->to_h() * scale), "tick",
             Anchor::kMiddle);
  }
  const double title_width = text_width_px(x_title);
  svg.text(kAxisLeftPx, plot_bottom + 36, x_title, "axis-title");
  Picture picture;
  picture.svg = svg.finish(std::max(width, kAxisLeftPx + title_width + 8), plot_bottom + 44);
  picture.labels = svg.labels();
  picture.width_px = std::max(width, kAxisLeftPx + title_width + 8);
  picture.height_px = plot_bottom + 44;
  return picture;
}

}  // namespace tearline::pictures
