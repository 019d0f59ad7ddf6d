// Scenario time. A run maps scenario hours onto wall time with a scale
// (ms_per_scenario_hour) from an epoch shared by every node of the run.
#pragma once

#include <chrono>
#include <cstdint>

namespace tearline {

class Clock {
 public:
  virtual ~Clock() = default;
  // Scenario hours since the scenario start.
  virtual double now_h() const = 0;
  // Wall time, Unix epoch milliseconds.
  virtual int64_t wall_ms() const = 0;
};

int64_t unix_now_ms();

// The real clock of a running node.
class ScaledWallClock : public Clock {
 public:
  ScaledWallClock(int64_t epoch_unix_ms, double ms_per_scenario_hour)
      : epoch_unix_ms_(epoch_unix_ms), ms_per_scenario_hour_(ms_per_scenario_hour) {}

  double now_h() const override {
    return static_cast<double>(wall_ms() - epoch_unix_ms_) / ms_per_scenario_hour_;
  }
  int64_t wall_ms() const override { return unix_now_ms(); }
  // Wall milliseconds from now until scenario hour t_h (negative if past).
  double wall_ms_until(double t_h) const {
    return t_h * ms_per_scenario_hour_ - static_cast<double>(wall_ms() - epoch_unix_ms_);
  }

 private:
  int64_t epoch_unix_ms_;
  double ms_per_scenario_hour_;
};

// A clock tests move by hand.
class ManualClock : public Clock {
 public:
  double now_h() const override { return now_h_; }
  int64_t wall_ms() const override { return static_cast<int64_t>(now_h_ * 1000); }
  void set_h(double now_h) { now_h_ = now_h; }

 private:
  double now_h_ = 0;
};

inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tearline
