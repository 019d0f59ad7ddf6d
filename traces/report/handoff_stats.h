// Per-handoff counts and delays: links between nodes, department queues and
// sharing decisions. Internal to tearline_report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "traces/report/trace_reader.h"

namespace tearline::report {

enum class HandoffType { kLink, kQueue, kDecision, kOther };

struct HandoffName {
  HandoffType type = HandoffType::kOther;
  std::string from;
  std::string to;
};

// "A->B" is a link; "desk@N", "database@N", "officers@N", "intake@N" are
// queues and "sharing@N" a decision, all at N; anything else is kOther (not a
// row of the handoff table).
HandoffName classify_handoff(std::string_view name);

// "link", "queue", "decision" or "other".
std::string_view type_name(HandoffType type);

// One row per link, queue and decision handoff, sorted by name:
// {name, from, to, type, in, out, lost: {reason: n}, in_flight, delay_h,
// delay_wall_ms, wait_h, wait_wall_ms, service_h, service_wall_ms} plus
// resent/attempts_lost/acked for links and shared_full/sanitised for
// decisions. Counts are of distinct messages. Each row where
// in != out + lost + in_flight is appended to *anomalies.
nlohmann::json handoff_rows(const std::vector<Event>& events, nlohmann::json* anomalies);

}  // namespace tearline::report
