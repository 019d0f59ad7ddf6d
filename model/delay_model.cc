#include "model/delay_model.h"

#include <algorithm>
#include <cmath>

namespace tearline {

double DelayModel::sample_h(const Random& random, std::string_view stream, std::string_view key,
                            uint64_t draw) const {
  double random_h = 0;
  switch (distribution) {
    case Distribution::kNone:
      break;
    case Distribution::kExponential:
      random_h = random.exponential(mean_h, stream, key, draw);
      break;
    case Distribution::kUniform:
      random_h = min_h + (max_h - min_h) * random.uniform(stream, key, draw);
      break;
    case Distribution::kLognormal:
      random_h = median_h * std::exp(sigma * random.normal(stream, key, draw));
      break;
  }
  return std::max(0.0, fixed_h + random_h);
}

double DelayModel::least_h() const {
  const double random_least_h = distribution == Distribution::kUniform ? min_h : 0;
  return std::max(0.0, fixed_h + random_least_h);
}

// Ignores the clamp at zero, which only matters for a negative fixed_h or min_h.
double DelayModel::mean_total_h() const {
  switch (distribution) {
    case Distribution::kNone:
      return fixed_h;
    case Distribution::kExponential:
      return fixed_h + std::max(0.0, mean_h);
    case Distribution::kUniform:
      return fixed_h + (min_h + max_h) / 2;
    case Distribution::kLognormal:
      return fixed_h + median_h * std::exp(sigma * sigma / 2);
  }
  return fixed_h;
}

bool LossModel::lost(const Random& random, std::string_view stream, std::string_view key,
                     uint64_t draw) const {
  if (probability <= 0) return false;
  return random.uniform(stream, key, draw) < probability;
}

}  // namespace tearline
