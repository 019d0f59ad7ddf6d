// Messages held by a node when it died. A node killed or crashed cannot
// record what it held, so the report does: a message whose last event puts it
// at a node that then died, with no terminal or in_flight event, is lost
// there with reason "crash:<node>". So is one whose last event is its
// sending to a node that then died: its sender, alive, left it to the
// receiver at its stop (it had arrived), and the receiver died before taking
// it in. The loss is charged to the handoff where the node held it (for an
// acknowledged message, the receiver's last event's: its intake, say).
// Internal to tearline_report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/read/trace_reader.h"

namespace tearline::report {

// A node's death, from one of its events.
struct Death {
  double t_h = 0;
  int64_t wall_ms = 0;  // 0 when the event gave none.
  // The reason of the losses it causes: "crash:<node>", or
  // kLauncherDiedReason when the node died with its launcher.
  std::string loss_reason;
};

// The reason of messages lost because the launcher died mid-run (its nodes
// die with it).
inline constexpr std::string_view kLauncherDiedReason = "launcher-died";

// Whether an event records a death: a "node_stopped" whose reason is not
// "exit:0", or a "fault" "crash" or "signal KILL".
bool is_death(std::string_view kind, std::string_view reason, std::string_view fault);

// Where a message is when an event is its last: with the receiver (`peer`)
// once the sender saw it acknowledged, else at the event's node.
std::string_view holder_of(std::string_view kind, std::string_view peer, std::string_view node);

// The first of `deaths` (in time order) at or after a message's last event,
// at t_h and wall_ms; null if none. Compares wall time when both have it.
const Death* first_death_after(const std::vector<Death>& deaths, double t_h,
                               std::optional<int64_t> wall_ms);

// Deaths are read from the events themselves: "node_stopped" events whose
// reason is not "exit:0" (written by the launcher for each process exit), and
// "fault" events "crash" (by the node) or "signal KILL" (by fault tools).
// Adds one derived "lost" event per such message, keeping `events` in time
// order (sort_in_time_order).
void add_crash_losses(std::vector<Event>* events);

}  // namespace tearline::report
