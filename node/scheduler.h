// The order in which a node handles its events (NodeCore): every source
// says when it next has something due, and the earliest goes first; at
// equal hours, in EventSource's order: control (scheduled fault commands,
// peers going down or up), acknowledgements, the role's own events, the
// links' resends and deadlines, then envelopes and polls taken in. So the
// trace depends on the scenario, the seed and the faults, never on how time
// was cut into windows (sync/DESIGN.md).
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "tearline/v1/control.pb.h"

namespace tearline {

// In the order they go at equal hours.
enum class EventSource { kControl, kAck, kRole, kLinks, kIntake };

// The next hour each source has something due, if any. `intake` is already
// no earlier than the node's intake floor.
struct DueHours {
  std::optional<double> control;
  std::optional<double> ack;
  std::optional<double> role;
  std::optional<double> links;
  std::optional<double> intake;
};

struct DueEvent {
  double at_h = 0;
  EventSource source = EventSource::kControl;
};

// The event to handle next. A paused node handles only control events:
// what arrives waits, and its own events wait for the catch-up.
std::optional<DueEvent> next_due(const DueHours& due, bool paused);

// A lower bound on the next hour the node sends anything of its own accord
// (the lookahead it gives the time authority), given the role's own bound
// in `due.role`. Taking in an envelope or poll sends an acknowledgement or
// an answer; an acknowledgement taken in sends nothing. A paused node may be
// resumed at any moment and catch up at once: its bound is reached_h.
std::optional<double> next_send_bound_h(const DueHours& due, bool paused, double reached_h);

// A control event: a scheduled fault command or a peer's change.
struct ControlEvent {
  std::optional<v1::ControlRequest> request;
  std::string issuer;  // Of the request.
  std::optional<v1::PeerState> peer;
};

// Control events by hour; at equal hours, in the order they were scheduled.
class ControlQueue {
 public:
  // Fault commands a node holds for later hours; beyond, more are refused.
  static constexpr size_t kScheduledCommandsMax = 10'000;

  void schedule(double at_h, ControlEvent event) { events_.emplace(at_h, std::move(event)); }
  bool full() const { return events_.size() >= kScheduledCommandsMax; }
  std::optional<double> next_h() const;
  // The first event; the queue must not be empty.
  ControlEvent pop();

 private:
  std::multimap<double, ControlEvent> events_;
};

}  // namespace tearline
