#include "common/report_fields.h"

#include "common/intelligence.h"

namespace tearline {

void fill_report_fields(const v1::ThreatReport& report, TraceEvent* event) {
  event->trace = report.trace_id();
  event->detail = detail_fields(report);
  if (report.has_area()) event->area = report.area();
  event->background = report.background();
  const v1::Source& source = report.source();
  event->source_agency = source.agency();
  switch (source.identity_case()) {
    case v1::Source::kHandle:
      event->source_kind = "handle";
      event->source = source.handle();
      break;
    case v1::Source::kSealed:
      event->source_kind = "sealed";
      event->source = source.sealed();
      break;
    case v1::Source::kPseudonym:
      event->source_kind = "pseudonym";
      event->source = source.pseudonym();
      break;
    case v1::Source::IDENTITY_NOT_SET:
      break;
  }
}

TraceEvent report_event(std::string_view kind, const std::string& message_id,
                        const v1::ThreatReport& report, double t_h, std::string handoff) {
  TraceEvent event;
  event.kind = kind;
  event.msg = message_id;
  event.t_h = t_h;
  event.handoff = std::move(handoff);
  fill_report_fields(report, &event);
  return event;
}

}  // namespace tearline
