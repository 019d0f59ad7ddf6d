// Delay and loss models of a handoff (docs/MODEL.md, "Handoffs").
#pragma once

#include <string>
#include <string_view>

#include "model/random.h"

namespace tearline {

// A delay: a fixed part plus a draw from a distribution, in scenario hours.
struct DelayModel {
  enum class Distribution { kNone, kExponential, kUniform, kLognormal };

  double fixed_h = 0;
  Distribution distribution = Distribution::kNone;
  double mean_h = 0;  // kExponential: mean of the random part.
  double min_h = 0;   // kUniform: bounds of the random part.
  double max_h = 0;
  double median_h = 0;  // kLognormal: median and log-space sigma of the random part.
  double sigma = 0;

  // A delay >= 0 drawn for `key` (usually a message id) on `stream`.
  double sample_h(const Random& random, std::string_view stream, std::string_view key,
                  uint64_t draw = 0) const;
  // The least delay it can draw: the fixed part plus the random part's
  // lower bound.
  double least_h() const;
  // The expected value, for documentation and sanity checks.
  double mean_total_h() const;
};

// A loss: each message is lost with `probability`, traced with `reason`.
struct LossModel {
  double probability = 0;
  std::string reason = "link-loss";

  bool lost(const Random& random, std::string_view stream, std::string_view key,
            uint64_t draw = 0) const;
};

}  // namespace tearline
