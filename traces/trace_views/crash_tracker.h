// The messages crashes lost, as report::add_crash_losses finds them in a
// mode's events in time order, but from trace lines read in any order and
// without keeping them: per message, only where it was last seen (two
// events' places: its last, and its last other than an acknowledgement);
// per node, its deaths. Internal to tearline_trace_views.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "traces/report/crash_losses.h"
#include "traces/report/line_reader.h"
#include "traces/trace_views/interner.h"
#include "traces/trace_views/lineage.h"

namespace tearline::trace_views {

// A message lost to a crash: the "lost" event add_crash_losses derives.
struct CrashLoss {
  TimeKey key;  // Its death's times, its last event's file and line.
  std::string_view msg, trace, handoff;
  std::string_view node;    // Where it died.
  std::string_view reason;  // "crash:<node>" or report::kLauncherDiedReason.
};

// Views into the lines added, which must outlive it and the losses it
// returns. Not thread-safe.
class CrashTracker {
 public:
  explicit CrashTracker(Interner* names) : names_(names) {}

  // Each line of one mode's files, in any order.
  void add(const report::EventFields& fields);
  // The losses, in message id order (as add_crash_losses adds them); their
  // reasons are valid until losses() is called again.
  std::vector<CrashLoss> losses();

 private:
  // Where an event put a message, in a few bytes.
  struct Place {
    TimeKey key;
    bool has_wall_ms = false;
    bool acked = false, sent = false;  // Its kind: "acked"; "sent" or "resent".
    uint32_t node = Interner::kEmpty, peer = Interner::kEmpty;
  };
  struct Seen {
    Place last;
    bool has_not_acked = false;
    Place last_not_acked;                 // Valid when has_not_acked.
    bool settled = false;                 // Has a terminal or in_flight event.
    std::string_view trace;               // Of its last event.
    uint32_t handoff = Interner::kEmpty;  // Of its last event.
  };

  // The first death of `node` at or after `at`, or null.
  const report::Death* death_after(uint32_t node, const Place& at) const;

  Interner* names_;
  std::unordered_map<std::string_view, Seen> messages_;
  // Each node's deaths, as read; in time order once losses() sorts them.
  std::unordered_map<uint32_t, std::vector<std::pair<TimeKey, report::Death>>> deaths_by_node_;
  std::unordered_map<uint32_t, std::vector<report::Death>> deaths_in_order_;
};

}  // namespace tearline::trace_views
