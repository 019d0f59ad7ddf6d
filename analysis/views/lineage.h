// A message's place in its trace, gathered from trace lines read in any
// order, as report::MessageIndex decides it from events in time order: the
// parent named by its first "created" event and the first trace id among its
// events. Internal to tearline_trace_views (summary, lost, follow, node).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>

#include "analysis/read/line_reader.h"

namespace tearline::trace_views {

// Where an event sits in time order (report::sort_in_time_order).
struct TimeKey {
  double t_h = 0;
  int64_t wall_ms = 0;
  size_t file = 0, line = 0;

  static TimeKey of(const report::EventFields& fields) {
    return {fields.t_h, fields.wall_ms.value_or(0), fields.file, fields.line};
  }
  bool operator<(const TimeKey& other) const {
    return std::tie(t_h, wall_ms, file, line) <
           std::tie(other.t_h, other.wall_ms, other.file, other.line);
  }
};

struct Lineage {
  std::optional<TimeKey> created;  // Its first "created" event.
  std::string_view parent;         // From that event.
  std::optional<TimeKey> traced;   // Its first event with a trace id.
  std::string_view trace;          // That id.

  // One of the message's events, at `key`.
  void add(const report::EventFields& fields, const TimeKey& key) {
    if (fields.kind == "created" && (!created || key < *created)) {
      created = key;
      parent = fields.parent;
    }
    if (!fields.trace.empty() && (!traced || key < *traced)) {
      traced = key;
      trace = fields.trace;
    }
  }
};

// As report::MessageIndex::trace_of: the trace id of message `id`, its own or
// its nearest ancestor's. `messages` maps ids to values with a `lineage`.
template <typename Messages>
std::string_view trace_of(const Messages& messages, std::string_view id) {
  // A chain longer than the number of messages has a cycle.
  for (size_t steps = 0; steps <= messages.size(); ++steps) {
    const auto it = messages.find(id);
    if (it == messages.end()) return {};
    if (!it->second.lineage.trace.empty()) return it->second.lineage.trace;
    id = it->second.lineage.parent;
  }
  return {};
}

}  // namespace tearline::trace_views
