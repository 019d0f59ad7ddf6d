// A scenario's faults ([[fault]], --chaos) as the launcher carries them out:
// commands a node can schedule itself (sent ahead with their hour) and
// actions the launcher takes at a round boundary of the time authority, at
// exactly their scenario hour (signals, crashes, restarts).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

struct ScheduledAction {
  enum class Kind {
    kCommandAhead,  // A control command the node carries out at at_h itself.
    kCrash,         // A crash command sent at at_h.
    kSignal,        // A signal sent at at_h.
  };
  Kind kind = Kind::kCommandAhead;
  double at_h = 0;
  std::string node;
  std::optional<v1::ControlRequest> request;
  int signal = 0;
  // Start the node again this long after it died.
  std::optional<double> restart_after_h;
  // SIGSTOP: the hour of its SIGCONT, when scheduled.
  std::optional<double> continue_at_h;
  std::string by;  // Who scheduled it: "schedule" or "chaos".
};

// The faults on `nodes` (faults on nodes the mode does not run, such as the
// broker in bilateral mode, are left out), each undo its own action, in time
// order.
std::vector<ScheduledAction> schedule_for(const Scenario& scenario,
                                          const std::vector<std::string>& nodes);

}  // namespace tearline
