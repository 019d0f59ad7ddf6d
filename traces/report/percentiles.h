// Nearest-rank percentiles. Internal to tearline_report.
#pragma once

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

namespace tearline::report {

// The nearest-rank index of percentile `percent` (1..100) in `count` sorted
// values: the smallest rank r with r >= percent * count / 100, minus one.
inline size_t nearest_rank_index(size_t percent, size_t count) {
  const size_t rank = (percent * count + 99) / 100;
  return rank == 0 ? 0 : rank - 1;
}

// {n, p50, p90, p99, max} of `values`; the percentiles are null when there
// are no values.
template <typename T>
nlohmann::json percentiles_json(std::vector<T> values) {
  nlohmann::json result = {{"n", values.size()}};
  std::sort(values.begin(), values.end());
  for (const auto& [key, percent] :
       {std::pair{"p50", 50}, {"p90", 90}, {"p99", 99}, {"max", 100}}) {
    result[key] = values.empty()
                      ? nlohmann::json(nullptr)
                      : nlohmann::json(values[nearest_rank_index(size_t(percent), values.size())]);
  }
  return result;
}

}  // namespace tearline::report
