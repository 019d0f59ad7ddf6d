#include "trace/report_fields.h"

#include "trace/trace.h"

namespace tearline {
namespace {

// As detail_fields() (model/intelligence.cc): a string field counts only if
// set and not empty; same names, same order. Filled into the event's own
// vector, whose entries are short enough to need no heap, so a reused event
// fills it without allocating.
void fill_detail(const v1::ThreatReport& report, std::vector<std::string>* detail) {
  detail->clear();
  if (report.has_subject() && !report.subject().empty()) detail->emplace_back("subject");
  if (report.has_area() && !report.area().empty()) detail->emplace_back("area");
  if (report.has_site() && !report.site().empty()) detail->emplace_back("site");
  if (report.has_window()) detail->emplace_back("window");
  if (report.has_method() && !report.method().empty()) detail->emplace_back("method");
}

}  // namespace

void fill_report_fields(const v1::ThreatReport& report, TraceEvent* event) {
  event->trace = report.trace_id();
  fill_detail(report, &event->detail);
  if (report.has_area()) {
    event->area = report.area();
  } else {
    event->area.clear();
  }
  event->background = report.background();
  fill_source_fields(report, event);
}

void fill_source_fields(const v1::ThreatReport& report, TraceEvent* event) {
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
      event->source_kind.clear();
      event->source.clear();
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
