// The pace of a run: scenario time advances no faster than a given number of
// wall milliseconds per scenario hour. Wall time only paces: it decides when
// a round is granted, never what the nodes do in it.
#pragma once

#include <chrono>
#include <functional>

#include "base/clock.h"

namespace tearline {

class Pacer {
 public:
  // ms_per_scenario_hour 0: no pace, as fast as the nodes go.
  Pacer(WallClock& clock, double ms_per_scenario_hour);

  // Scenario hour 0 is now.
  void start();
  // Waits until the pace allows scenario hour t_h, idling a step at a time
  // (`idle` answers what comes meanwhile); gives up once `interrupted`.
  void wait_for(double t_h, const std::function<void(std::chrono::milliseconds)>& idle,
                const std::function<bool()>& interrupted);
  // How far `reached_h` is behind the pace, in hours, counting the pace no
  // further than end_h.
  double behind_h(double reached_h, double end_h) const;
  // Wall seconds since the pacer was made.
  double elapsed_s() const;

 private:
  WallClock& clock_;
  double ms_per_scenario_hour_;
  WallClock::Time made_;
  WallClock::Time started_;
};

}  // namespace tearline
