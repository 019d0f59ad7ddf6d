// Seeded, order-independent randomness.
//
// Every random decision in tearline is a pure function of the run's seed, a
// stream name (which model is deciding, e.g. "loss:agency.us->agency.uk") and
// a key (usually a message id, plus an attempt number). Decisions therefore
// do not depend on the order in which messages happen to arrive, which is not
// under our control across processes: the same seed gives the same decisions.
//
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <cstdint>
#include <string_view>

namespace tearline {

class Random {
 public:
  explicit Random(uint64_t seed) : seed_(seed) {}

  uint64_t seed() const { return seed_; }

  // A uniform draw in [0, 1) determined by (seed, stream, key, draw).
  double uniform(std::string_view stream, std::string_view key, uint64_t draw = 0) const;

  // Raw 64-bit value determined by (seed, stream, key, draw).
  uint64_t bits(std::string_view stream, std::string_view key, uint64_t draw = 0) const;

  // Exponential draw with the given mean (mean <= 0 yields 0).
  double exponential(double mean, std::string_view stream, std::string_view key,
                     uint64_t draw = 0) const;

  // Standard normal draw (Box-Muller over two uniform draws).
  double normal(std::string_view stream, std::string_view key, uint64_t draw = 0) const;

 private:
  uint64_t seed_;
};

}  // namespace tearline
