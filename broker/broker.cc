#include "broker/broker.h"

#include <algorithm>

#include "base/invariant.h"
#include "model/handling_caveats.h"
#include "model/intelligence.h"
#include "trace/report_fields.h"

namespace tearline {
namespace {

// Distinct sealed sources whose pseudonyms the centre remembers: far more
// than the sources of a scenario, a few hundred KiB at most.
constexpr size_t kPseudonymCacheEntries = 4096;

}  // namespace

BrokerRole::BrokerRole(const Scenario& scenario, const Random& random,
                       const SecretKey& pseudonym_key, const ReportSigner& signer)
    : scenario_(scenario),
      spec_(scenario.broker),
      pseudonyms_(pseudonym_key, kPseudonymCacheEntries),
      officers_("officers@" + scenario.broker.name, scenario.broker.officers, random),
      correlator_(scenario.broker.correlation_window_h),
      background_(scenario.broker.name, scenario.broker.background, scenario.unit_areas(), random,
                  scenario.duration_h),
      signer_(signer) {}

void BrokerRole::begin_at(double now_h) { background_.skip_until(now_h); }

std::optional<double> BrokerRole::next_wake_h() const {
  std::optional<double> next = officers_.next_event_h();
  const std::optional<double> background = background_.next_h();
  if (background && (!next || *background < *next)) next = background;
  return next;
}

std::optional<double> BrokerRole::next_send_bound_h() const {
  return officers_.next_served_bound_h(background_.next_h());
}

void BrokerRole::advance(NodeContext& context, double now_h) {
  std::optional<double> previous_h;
  while (true) {
    const std::optional<double> next = next_wake_h();
    if (!next || *next > now_h) break;
    TEARLINE_ASSERT(!previous_h || *previous_h <= *next);  // Earliest first: never back.
    previous_h = next;
    if (background_.next_h() == next) {
      v1::ThreatReport report = background_.pop();
      report.set_origin_agency(spec_.name);  // Signed as it is routed.
      const std::string id = report.report_id();
      context.trace(report_event("created", id, report, *next, "background@" + spec_.name));
      const int priority = relevance(report);
      officers_.offer(context, id, std::move(report), priority, *next);
    } else {
      officers_.advance(context, *next);
    }
    for (const ServedReport& served : officers_.take_served()) route(context, served);
  }
}

void BrokerRole::on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) {
  v1::ThreatReport report = envelope.report();
  const v1::Source& source = report.source();
  if (source.has_pseudonym()) {
    // Only the centre makes pseudonyms; what an agency put there may be
    // anything, a handle included. Forwarded as it is, it could expose.
    TraceEvent lost =
        report_event("lost", envelope.message_id(), report, now_h, "cipher@" + spec_.name);
    lost.reason = "rejected:source-not-sealed";
    context.trace(std::move(lost));
    return;
  }
  if (source.has_sealed() || source.has_handle()) {
    // A clear handle (its agency did not seal it) is sealed here: never
    // forwarded in clear.
    const bool clear = source.has_handle();
    const std::string& token = clear ? source.handle() : source.sealed();
    report.mutable_source()->set_pseudonym(pseudonyms_.pseudonym(token));
    TraceEvent pseudonymised =
        report_event("pseudonymised", envelope.message_id(), report, now_h, "cipher@" + spec_.name);
    if (clear) pseudonymised.reason = "clear handle sealed by the centre";
    context.trace(std::move(pseudonymised));
  }
  // What the centre forwards names its source by pseudonym at most.
  TEARLINE_ASSERT(!report.source().has_handle() && !report.source().has_sealed());
  int boost = 0;
  if (report.has_subject()) {
    const int others = correlator_.observe(report.subject(), report.origin_agency(), now_h);
    TEARLINE_ASSERT(others >= 0);
    if (others > 0) {
      boost = others * spec_.correlation_boost;
      TraceEvent correlated =
          report_event("correlated", envelope.message_id(), report, now_h, "cipher@" + spec_.name);
      correlated.reason = correlation_reason(others);
      correlated.priority = relevance(report, boost);
      context.trace(std::move(correlated));
    }
  }
  const int priority = relevance(report, boost);
  officers_.offer(context, envelope.message_id(), std::move(report), priority, now_h);
  for (const ServedReport& served : officers_.take_served()) route(context, served);
}

void BrokerRole::route(NodeContext& context, const ServedReport& served) {
  context.trace(report_event("delivered", served.message_id, served.report, served.at_h,
                             "route@" + spec_.name));
  if (served.report.has_area()) {
    v1::ThreatReport warning = served.report;
    signer_.sign_if_own(&warning);  // The centre's own background.
    for (const UnitSpec& unit : scenario_.units) {
      if (unit.area != warning.area()) continue;
      const std::string refusal = caveat_refusal(warning, unit);
      if (refusal.empty()) {
        deliver_copy(context, served, unit.name, warning);
        continue;
      }
      const std::string handoff = "route@" + spec_.name;
      trace_withheld(
          context, make_copy(context, served.message_id, unit.name, warning, handoff, served.at_h),
          unit.name, handoff, refusal, served.at_h);
    }
  }
  // Its own report goes back to the originating agency, whatever its label.
  if (!served.report.origin_agency().empty() && scenario_.agency(served.report.origin_agency())) {
    deliver_copy(context, served, served.report.origin_agency(), served.report);
  }
}

std::string BrokerRole::caveat_refusal(const v1::ThreatReport& report, const UnitSpec& unit) const {
  if (!spec_.honour_tlp) return "";
  const std::string origin_country = scenario_.country_of(report.origin_agency());
  // A unit of the report's area needs to know; its country is its agency's.
  return tlp_refusal(report.tlp(),
                     {.needs_to_know = unit.area == report.area(),
                      .in_origin_country = !origin_country.empty() &&
                                           scenario_.country_of(unit.agency) == origin_country});
}

void BrokerRole::deliver_copy(NodeContext& context, const ServedReport& served,
                              const std::string& peer, v1::ThreatReport copy) {
  v1::Envelope envelope = make_copy(context, served.message_id, peer, std::move(copy),
                                    "route@" + spec_.name, served.at_h);
  SendOptions options;
  options.resend = true;
  options.deadline_h = served.at_h + spec_.delivery_deadline_h;
  context.send(peer, std::move(envelope), served.at_h, options);
}

void BrokerRole::record_in_flight(NodeContext& context, double now_h) {
  officers_.record_in_flight(context, now_h);
}

void BrokerRole::fill_status(v1::NodeStatus* status) const {
  (*status->mutable_queue_depth_msgs())[officers_.handoff()] = officers_.depth_msgs();
}

Desk* BrokerRole::desk_named(const std::string& name) {
  return name == officers_.handoff() ? &officers_ : nullptr;
}

}  // namespace tearline
