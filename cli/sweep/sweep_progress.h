// `tearline sweep`'s progress line: runs done of all, what is under way, elapsed and
// about how long is left (from this session's pace). On a terminal it
// updates in place; otherwise a line every tenth of the runs, and once all
// are done, a line whenever what is under way changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/clock.h"

namespace tearline {

class SweepProgress {
 public:
  // `done_before`: runs a previous session finished (not this one's pace).
  // `label` begins the line: "sweep", or "explain" for its runs.
  SweepProgress(size_t total, size_t done_before, bool show, const WallClock& clock,
                std::string label = "sweep");
  // `activity`: what is under way, e.g. "2 running" (runs here) or
  // "tasks: 1 running, 3 pending" (on Slurm).
  void update(size_t done, const std::string& activity);
  void finish();

 private:
  size_t total_;
  size_t done_before_;
  bool show_;
  bool tty_;
  size_t last_tenth_ = SIZE_MAX;
  std::string last_activity_;  // Of the last line, once all runs are done.
  const WallClock& clock_;
  std::string label_;
  WallClock::Time began_;
};

}  // namespace tearline
