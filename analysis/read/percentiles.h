// Nearest-rank percentiles and histograms of a handoff's durations.
// Internal to tearline_report.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "tearline/v1/run_report.pb.h"

namespace tearline::report {

// The nearest-rank index of percentile `percent` (1..100) in `count` sorted
// values: the smallest rank r with r >= percent * count / 100, minus one.
inline size_t nearest_rank_index(size_t percent, size_t count) {
  const size_t rank = (percent * count + 99) / 100;
  return rank == 0 ? 0 : rank - 1;
}

// n, p50, p90, p99 and max of `values` (sorted in place); the percentiles
// are left absent when there are none.
template <typename T>
void fill_percentiles(std::vector<T>* values, v1::Percentiles* out) {
  std::sort(values->begin(), values->end());
  out->set_n(static_cast<uint32_t>(values->size()));
  if (values->empty()) return;
  const auto at = [values](size_t percent) {
    return static_cast<double>((*values)[nearest_rank_index(percent, values->size())]);
  };
  out->set_p50(at(50));
  out->set_p90(at(90));
  out->set_p99(at(99));
  out->set_max(at(100));
}

// A histogram has this many bins (none without values).
inline constexpr size_t kHistogramBins = 12;
// Its bins grow logarithmically when max > kLogTailRatio * p50.
inline constexpr double kLogTailRatio = 20;

// The histogram of `sorted` (ascending, as fill_percentiles() leaves them):
// kHistogramBins bins from 0 to the maximum, which the last bin holds. With
// a long tail, bin 0 holds [0, p50 / 2) and the others grow by a constant
// factor up to the maximum. All values 0 (or below): one bin.
void fill_histogram(const std::vector<double>& sorted, v1::Histogram* out);

}  // namespace tearline::report
