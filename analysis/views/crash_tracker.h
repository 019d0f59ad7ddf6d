// The messages crashes lost, as report::add_crash_losses finds them in a
// mode's events in time order, but from trace lines read in any order and
// without keeping them: per message, only where it was last seen (LastSeen:
// its last event, its last arrival, its last event of another kind than the
// link's own retransmissions and acknowledgements, and those); per node, its
// deaths (Deaths). Internal to tearline_trace_views.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/read/crash_losses.h"
#include "analysis/read/line_reader.h"
#include "analysis/views/interner.h"
#include "analysis/views/lineage.h"

namespace tearline::trace_views {

// What per-message records keep of an event: its place in time order, its
// names interned, its trace id as a view into its line.
struct EventRef {
  TimeKey key;
  bool has_wall_ms = false;  // Else key.wall_ms is 0 for want of one.
  uint32_t node = Interner::kEmpty, kind = Interner::kEmpty, peer = Interner::kEmpty;
  uint32_t handoff = Interner::kEmpty, reason = Interner::kEmpty;
  std::string_view trace;

  static EventRef of(const report::EventFields& fields, Interner* names);
  std::optional<int64_t> wall_ms() const {
    return has_wall_ms ? std::optional(key.wall_ms) : std::nullopt;
  }
};

// Where a message was last seen, from its events in any order.
class LastSeen {
 public:
  // One of the message's events; `kind` is its kind's text.
  void add(const EventRef& event, std::string_view kind);

  bool seen() const { return seen_; }
  const EventRef& last() const { return last_; }  // Its last event, once seen().
  // Has a terminal or in_flight event: no crash lost it.
  bool settled() const { return settled_; }

 private:
  friend class Deaths;
  // A "resent", "attempt_lost", "acked" or "duplicate": the link's own
  // events, which after the receiver took the message in do not move it.
  struct LinkEvent {
    EventRef event;
    bool placing = false;  // "resent" or "attempt_lost": it was on the link then.
    bool sent = false;     // "resent".
    bool acked = false;
  };
  // As report::add_crash_losses's Seen, once every event is in: the last
  // event but the link's events after the arrival (`last`), and the last
  // that put it somewhere (`placed`, absent when none).
  struct Places {
    EventRef last;
    bool last_acked = false, last_sent = false;
    std::optional<EventRef> placed;
  };
  Places places() const;

  bool seen_ = false, settled_ = false;
  EventRef last_;                       // Every event's last.
  std::optional<EventRef> last_other_;  // Of the other kinds.
  bool last_other_sent_ = false;        // It is a "sent".
  std::optional<EventRef> received_;    // The last arrival.
  std::vector<LinkEvent> link_events_;  // Few: an acknowledgement, a resend or two.
};

// A message lost to a crash: the "lost" event add_crash_losses derives.
struct CrashLoss {
  TimeKey key;           // Its death's times, its last event's file and line.
  uint32_t node = 0;     // Where it died (interned).
  uint32_t handoff = 0;  // Where the dead node held it (interned).
  // "crash:<node>" or report::kLauncherDiedReason: a view into Deaths.
  std::string_view reason;
};

// Every node's deaths (report::is_death). Not thread-safe.
class Deaths {
 public:
  explicit Deaths(Interner* names) : names_(names) {}

  // Each line of one mode's files, in any order.
  void add(const report::EventFields& fields);
  // After the last add(): puts each node's deaths in time order.
  void finish();

  bool empty() const { return in_order_.empty(); }
  // After finish(): the crash that lost the message `seen` describes, if
  // one did. Its reason is valid while this lives.
  std::optional<CrashLoss> loss_of(const LastSeen& seen) const;

 private:
  // The first death of `node` at or after `key` (wall time when given).
  const report::Death* after(uint32_t node, const TimeKey& key, bool has_wall_ms) const;

  Interner* names_;
  std::unordered_map<uint32_t, std::vector<std::pair<TimeKey, report::Death>>> as_read_;
  std::unordered_map<uint32_t, std::vector<report::Death>> in_order_;
};

// The derived "lost" events of one mode, for the views that show events.
struct DerivedLoss {
  CrashLoss loss;
  std::string_view msg;
  EventRef last;  // The message's last event: its handoff and trace.
};

// Views into the lines added, which must outlive it and what it returns.
class CrashTracker {
 public:
  explicit CrashTracker(Interner* names) : names_(names), deaths_(names) {}

  // Each line of one mode's files, in any order.
  void add(const report::EventFields& fields);
  // The losses, in message id order (as add_crash_losses adds them); their
  // reasons are valid while this lives.
  std::vector<DerivedLoss> losses();

 private:
  Interner* names_;
  std::unordered_map<std::string_view, LastSeen> messages_;
  Deaths deaths_;
};

}  // namespace tearline::trace_views
