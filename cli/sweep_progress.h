// `tearline sweep`'s progress line: runs done of all, running, elapsed and
// about how long is left (from this session's pace). On a terminal it
// updates in place; otherwise a line every tenth of the runs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/clock.h"

namespace tearline {

class SweepProgress {
 public:
  // `done_before`: runs a previous session finished (not this one's pace).
  SweepProgress(size_t total, size_t done_before, bool show, const WallClock& clock);
  void update(size_t done, size_t running);
  void finish();

 private:
  size_t total_;
  size_t done_before_;
  bool show_;
  bool tty_;
  size_t last_tenth_ = SIZE_MAX;
  const WallClock& clock_;
  WallClock::Time began_;
};

}  // namespace tearline
