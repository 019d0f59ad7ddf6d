// Per-handoff counts and delays: links between nodes, department queues and
// sharing decisions. Internal to tearline_report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
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

struct Stamp {
  double t_h = 0;
  std::optional<int64_t> wall_ms;
};

// One message's way through one handoff; the first event of each step counts.
struct Passage {
  std::optional<Stamp> start;     // sent, queued, or created (decision).
  std::optional<Stamp> dequeued;  // Queues only.
  std::optional<Stamp> end;       // received, served, or shared/sanitised.
};

struct HandoffRow {
  HandoffName name;
  std::set<std::string> in;
  std::set<std::string> out;
  std::set<std::string> in_flight;
  std::map<std::string, std::set<std::string>> lost;  // Reason -> messages.
  std::map<std::string, Passage> passages;            // Message -> its passage.
  int64_t resent = 0;
  int64_t attempts_lost = 0;
  int64_t acked = 0;
  int64_t shared_full = 0;
  int64_t sanitised = 0;
};

// The handoff table, event by event in any order (counts are of sets of
// messages): the report's, and the live view's as the traces grow.
class HandoffTally {
 public:
  void add(const Event& event);
  // By handoff name.
  const std::map<std::string, HandoffRow>& rows() const { return rows_; }

 private:
  std::map<std::string, HandoffRow> rows_;
};

}  // namespace tearline::report
