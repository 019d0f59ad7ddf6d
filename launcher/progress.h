// Progress of a run in scenario time: an updating line on a terminal (at
// most ten times a second), a line every quarter otherwise. When a paced run
// cannot keep up, the line says how far scenario time is behind the pace.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/clock.h"

namespace tearline {

class Progress {
 public:
  // Redraws are spaced by `clock`.
  Progress(std::string mode, int64_t start_unix_s, double duration_h, bool enabled,
           const WallClock& clock);
  // now_h: the run's scenario hour; behind_h: how far it is behind the
  // pace (0 when keeping up or unpaced).
  void update(double now_h, double behind_h = 0);
  void finish(const std::string& outcome);

 private:
  std::string mode_;
  int64_t start_unix_s_;
  double duration_h_;
  bool enabled_;
  bool terminal_;
  int last_quarter_ = -1;
  const WallClock& clock_;
  WallClock::Time last_drawn_;
};

// "2017-05-22 21:31" for a scenario hour.
std::string scenario_time_text(int64_t start_unix_s, double t_h);

}  // namespace tearline
