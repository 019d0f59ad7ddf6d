// What `tearline trace summary` shows of one mode, gathered in one pass over
// its trace files. The events are not kept: per message, only what decides
// its fate (report::decide_fate, the rule the report uses) and the events
// that may end up deciding it. Internal to tearline_trace_views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "launcher/report/trace_scan.h"
#include "launcher/trace_views/loaded_run.h"

namespace tearline::trace_views {

struct SummaryTally {
  size_t events = 0;  // Those that pass the filter, as every figure here.
  std::set<std::string> nodes;
  std::map<std::string, std::map<std::string, size_t>> count_by_kind_node;
  double first_t_h = 0, last_t_h = 0;
  std::optional<int64_t> wall_first_ms, wall_last_ms;
  // Messages, by the event that decided their fate.
  size_t delivered = 0, lost = 0, in_flight = 0, unaccounted = 0;
  std::map<std::string, size_t> lost_by_reason;
};

// Reads the scan's files once (warnings as ModeScan::read) and tallies the
// events and messages that pass `filter`, as the Event-based views count
// them (report::MessageIndex and passes()).
SummaryTally tally_mode(report::ModeScan* scan, const TraceFilter& filter, const ModeInfo& info,
                        std::vector<std::string>* warnings);

}  // namespace tearline::trace_views
