// What `tearline trace summary` and `lost` show of one mode, gathered in one
// pass over its trace files. The events are not kept: per message, only what
// decides its fate (report::decide_fate, the rule the report uses) and the
// events that may end up deciding it, and every node's deaths, for the
// losses crashes caused (as report::add_crash_losses). Internal to
// tearline_trace_views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
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

// A lost message, as its deciding event shows it: views into the mode's
// lines and ModeTally::texts, valid while its TalliedMode lives.
struct LostMessage {
  TimeKey key;  // Of that event.
  std::string_view id, trace, node, kind, handoff;
  std::string_view reason;  // report::loss_reason.
};

struct ModeTally {
  size_t events = 0;  // Those that pass the filter, as every figure here.
  std::set<std::string> nodes;
  std::map<std::string, std::map<std::string, size_t>> count_by_kind_node;
  double first_t_h = 0, last_t_h = 0;
  std::optional<int64_t> wall_first_ms, wall_last_ms;
  // Messages, by the event that decided their fate.
  size_t delivered = 0, lost = 0, in_flight = 0, unaccounted = 0;
  // Of those delivered, served twice by a centre without a journal
  // (report::served_again_without_journal).
  size_t served_again_without_journal = 0;
  std::map<std::string, size_t> lost_by_reason;
  std::vector<LostMessage> lost_messages;    // Those LostList asks for, in time order.
  std::set<std::string, std::less<>> texts;  // Of lost messages, not in any line.
};

// Which lost messages ModeTally::lost_messages lists: each is held until
// the view prints it, so summary, which shows only counts, lists none.
struct LostList {
  bool listed = true;
  std::string reason;  // Only the messages lost for it; empty: for any.
};

// Reads the scan's files once (warnings as ModeScan::read) and tallies the
// events and messages that pass `filter`, as the Event-based views count
// them (report::MessageIndex and passes()).
ModeTally tally_mode(report::ModeScan* scan, const TraceFilter& filter, const ModeInfo& info,
                     std::vector<std::string>* warnings, const LostList& list = {});

struct TalliedMode {
  ModeInfo info;
  ModeTally tally;
  std::unique_ptr<report::ModeScan> scan;  // Holds the lines tally's views show.
};

// tally_mode() of each mode of run_dir the filter selects, in name order,
// each mode in a thread of its own. Throws std::runtime_error as load_run().
std::vector<TalliedMode> tally_run(const std::string& run_dir, const TraceFilter& filter,
                                   std::vector<std::string>* warnings, const LostList& list = {});

}  // namespace tearline::trace_views
