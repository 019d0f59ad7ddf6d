// A node's life as the mode's driver sees it (mode_driver.h): the launcher's
// kill it has not seen end yet, the hour it last died, its planned restart
// and how many deaths it had. One record per process: a node's, or a
// centre's member's (centre_failover.h), whose primary member shares the
// centre's name and so its record.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "base/invariant.h"

namespace tearline {

struct NodeLife {
  // The hour of a death the launcher caused (a crash or SIGKILL), until its
  // process is seen to end.
  std::optional<double> killed_at_h;
  // A centre's member killed while it was active: the failover waits for
  // its end before the takeover.
  bool killed_while_active = false;
  // The hour its last process died, handed to its next start.
  std::optional<double> died_at_h;
  // When it starts again.
  std::optional<double> restart_at_h;
  // Deaths judged (ModeRun::judge_death), matched against the crashes and
  // kills the traces record.
  size_t deaths = 0;

  // The launcher kills it at at_h. A process is killed once: a second kill
  // before its end was seen is skipped by whoever asks (a bug otherwise).
  void killed(double at_h) {
    TEARLINE_ASSERT(!killed_at_h);
    killed_at_h = at_h;
  }
  // Its process ended: the hour of the launcher's kill, if it caused the
  // end, which is then seen.
  std::optional<double> take_kill() {
    const std::optional<double> kill = killed_at_h;
    killed_at_h.reset();
    return kill;
  }
  // True if the launcher killed it and has not seen it end yet.
  bool dying() const { return killed_at_h.has_value(); }
};

// Every process's life, by name.
using NodeLives = std::map<std::string, NodeLife>;

}  // namespace tearline
