#include "analysis/read/percentiles.h"

#include <cmath>

namespace tearline::report {

void fill_histogram(const std::vector<double>& sorted, v1::Histogram* out) {
  if (sorted.empty()) return;
  const double max_h = sorted.back();
  const auto add_bin = [out](double from_h, double to_h) {
    v1::Histogram::Bin* bin = out->add_bins();
    bin->set_from_h(from_h);
    bin->set_to_h(to_h);
  };
  if (max_h <= 0) {
    add_bin(sorted.front(), max_h);
    out->mutable_bins(0)->set_count(static_cast<uint32_t>(sorted.size()));
    return;
  }
  const double p50_h = sorted[nearest_rank_index(50, sorted.size())];
  // The first bin's upper edge on a log scale: half the median, or (a median
  // of 0) the smallest value above 0.
  double low_h = p50_h / 2;
  if (low_h <= 0) low_h = *std::upper_bound(sorted.begin(), sorted.end(), 0.0);
  const bool log = max_h > kLogTailRatio * p50_h && low_h < max_h;
  out->set_log(log);
  constexpr double kBins = static_cast<double>(kHistogramBins);
  const double ratio = log ? std::pow(max_h / low_h, 1.0 / (kBins - 1)) : 0;
  const auto edge = [&](size_t i) {
    if (i == kHistogramBins) return max_h;
    if (!log) return max_h * static_cast<double>(i) / kBins;
    return i == 0 ? 0.0 : low_h * std::pow(ratio, static_cast<double>(i - 1));
  };
  for (size_t i = 0; i < kHistogramBins; ++i) add_bin(edge(i), edge(i + 1));
  for (const double value : sorted) {
    size_t bin = 0;
    if (!log) {
      bin = value <= 0 ? 0 : static_cast<size_t>(value / max_h * kBins);
    } else if (value >= low_h) {
      bin = 1 + static_cast<size_t>(std::log(value / low_h) / std::log(ratio));
    }
    bin = std::min(bin, kHistogramBins - 1);
    // Rounding may land a value one bin off its edges; the edges decide.
    while (bin > 0 && value < edge(bin)) --bin;
    while (bin + 1 < kHistogramBins && value >= edge(bin + 1)) ++bin;
    out->mutable_bins(static_cast<int>(bin))
        ->set_count(out->bins(static_cast<int>(bin)).count() + 1);
  }
}

}  // namespace tearline::report
