#include "launcher/mode/pacer.h"

#include <algorithm>
#include <cstdint>

namespace tearline {
namespace {

// How often the wait for a paced round looks at live requests and Ctrl-C.
constexpr auto kPaceStep = std::chrono::milliseconds(50);

}  // namespace

Pacer::Pacer(WallClock& clock, double ms_per_scenario_hour)
    : clock_(clock),
      ms_per_scenario_hour_(ms_per_scenario_hour),
      made_(clock.now()),
      started_(made_) {}

void Pacer::start() { started_ = clock_.now(); }

void Pacer::wait_for(double t_h, const std::function<void(std::chrono::milliseconds)>& idle,
                     const std::function<bool()>& interrupted) {
  if (ms_per_scenario_hour_ <= 0) return;
  const WallClock::Time due =
      started_ +
      std::chrono::microseconds(static_cast<int64_t>(t_h * ms_per_scenario_hour_ * 1000));
  while (!interrupted()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - clock_.now());
    if (left.count() <= 0) break;
    idle(std::min(left, kPaceStep));
  }
}

double Pacer::behind_h(double reached_h, double end_h) const {
  if (ms_per_scenario_hour_ <= 0) return 0;
  const double paced_h =
      std::chrono::duration<double, std::milli>(clock_.now() - started_).count() /
      ms_per_scenario_hour_;
  return std::max(0.0, std::min(paced_h, end_h) - reached_h);
}

double Pacer::elapsed_s() const {
  return std::chrono::duration<double>(clock_.now() - made_).count();
}

}  // namespace tearline
