// What kind of handoff a name is: a link between nodes, a department queue
// or a sharing decision (the rows of the report's handoff table,
// handoff_table.h). Internal to tearline_report.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace tearline::report
