#include "node/role.h"

#include "base/invariant.h"
#include "trace/report_fields.h"

namespace tearline {

v1::Envelope make_copy(NodeContext& context, const std::string& parent_id, const std::string& peer,
                       v1::ThreatReport report, const std::string& handoff, double at_h,
                       const std::string& fault) {
  const std::string id = copy_message_id(parent_id, peer);
  report.set_report_id(id);
  TraceEvent created = report_event("created", id, report, at_h, handoff);
  created.parent = parent_id;
  created.peer = peer;
  created.fault = fault;
  context.trace(std::move(created));
  v1::Envelope envelope;
  envelope.set_message_id(id);
  envelope.set_parent_message_id(parent_id);
  *envelope.mutable_report() = std::move(report);
  return envelope;
}

void trace_withheld(NodeContext& context, const v1::Envelope& envelope, const std::string& peer,
                    const std::string& handoff, const std::string& reason, double at_h) {
  TEARLINE_ASSERT(reason.starts_with("withheld:"));
  TraceEvent withheld =
      report_event("withheld", envelope.message_id(), envelope.report(), at_h, handoff);
  withheld.peer = peer;
  withheld.reason = reason;
  context.trace(std::move(withheld));
}

}  // namespace tearline
