// One node's events in one mode, in time order, for `tearline trace node`,
// read from the mode's trace files in passes rather than held: a node
// writes its file in time order, so the file holding most of its events
// (its own, or a centre member's) streams, merged with the others, held
// apart (the launcher's lines about it, another member's, the losses its
// crashes caused). A file found out of order is warned about, and its
// events held and sorted instead. Internal to tearline_trace_views.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/read/trace_scan.h"
#include "analysis/views/lineage.h"
#include "analysis/views/loaded_run.h"

namespace tearline::trace_views {

// What the node view shows of an event: views valid during the visit.
struct NodeRow {
  TimeKey key;
  bool derived = false;  // A loss a crash caused (crash_tracker.h), not a line.
  std::string_view kind, msg, handoff, peer, reason;
  std::optional<uint32_t> depth;
};

// Not thread-safe.
class NodeEvents {
 public:
  NodeEvents(const std::filesystem::path& mode_dir, std::string node, const TraceFilter& filter);
  ~NodeEvents();
  NodeEvents(const NodeEvents&) = delete;
  NodeEvents& operator=(const NodeEvents&) = delete;

  // The first pass (and a second when the file streamed is not the node's
  // own), before the others: what decides which events pass, the events
  // held apart. Warns as ModeScan::read, and once per file holding the
  // node's events out of time order.
  void read(std::vector<std::string>* warnings);

  const ModeInfo& info() const { return info_; }
  // The node wrote events in this mode (whether or not they pass the filter).
  bool known() const { return known_; }

  // After read(): calls visit with each of the node's events that passes
  // the filter, in time order (report::sort_in_time_order after
  // add_crash_losses). Each call reads the files again, unless every file
  // holding the node's events was out of order (then all are held).
  void for_each(const std::function<void(const NodeRow&)>& visit);

 private:
  // An event held apart, its text owned.
  struct Held {
    TimeKey key;
    bool derived = false;
    std::string kind, msg, handoff, peer, reason;
    std::optional<uint32_t> depth;
    NodeRow row() const;
  };

  // Whether an event (its trace id and message) belongs to the filter's plot.
  bool in_plot(std::string_view trace, std::string_view msg) const;
  static Held held_of(const report::EventFields& fields);

  std::unique_ptr<report::ModeScan> scan_;
  std::string node_;
  const TraceFilter& filter_;
  ModeInfo info_;
  bool known_ = false;
  // The file streamed: the node's own (by name) until read() chooses.
  std::optional<size_t> streamed_file_;
  std::set<std::string, std::less<>> plot_messages_;  // Ids of the plot's messages.
  std::vector<Held> held_;                            // In time order.
};

}  // namespace tearline::trace_views
