#include "nodes/agency.h"

#include <algorithm>
#include <stdexcept>

#include "base/invariant.h"
#include "model/handling_caveats.h"
#include "model/intelligence.h"
#include "trace/report_fields.h"

namespace tearline {
namespace {

const AgencySpec& find_agency(const Scenario& scenario, const std::string& name) {
  const AgencySpec* spec = scenario.agency(name);
  if (!spec) throw std::invalid_argument("no agency named " + name + " in the scenario");
  return *spec;
}

std::optional<double> earliest(std::initializer_list<std::optional<double>> times) {
  std::optional<double> result;
  for (const auto& time : times) {
    if (time && (!result || *time < *result)) result = time;
  }
  return result;
}

}  // namespace

AgencyRole::AgencyRole(const Scenario& scenario, const std::string& name, const std::string& mode,
                       const Random& random, const SecretKey& sealing_key,
                       const ReportSigner& signer)
    : scenario_(scenario),
      spec_(find_agency(scenario, name)),
      mode_(mode),
      key_(sealing_key),
      signer_(signer),
      desk_("desk@" + name, spec_.desk, random),
      database_("database@" + name, spec_.database, random),
      background_(name, spec_.background, scenario.unit_areas(), random, scenario.duration_h) {
  for (const ReportSpec& report : scenario.reports) {
    if (report.agency == name) pending_reports_.push_back(&report);
  }
  std::stable_sort(pending_reports_.begin(), pending_reports_.end(),
                   [](const ReportSpec* a, const ReportSpec* b) { return a->at_h < b->at_h; });
}

void AgencyRole::begin_at(double now_h) {
  while (next_report_ < pending_reports_.size() && pending_reports_[next_report_]->at_h < now_h) {
    ++next_report_;
  }
  background_.skip_until(now_h);
}

std::optional<double> AgencyRole::next_wake_h() const {
  std::optional<double> next_report;
  if (next_report_ < pending_reports_.size()) next_report = pending_reports_[next_report_]->at_h;
  return earliest({next_report, background_.next_h(), desk_.next_event_h(),
                   database_.next_event_h(), intel_.next_release_h()});
}

std::optional<double> AgencyRole::next_send_bound_h() const {
  std::optional<double> next_report;
  if (next_report_ < pending_reports_.size()) next_report = pending_reports_[next_report_]->at_h;
  return earliest({desk_.next_served_bound_h(next_report), intel_.next_release_h()});
}

void AgencyRole::advance(NodeContext& context, double now_h) {
  // A discrete-event loop over this agency's own event sources, earliest first.
  std::optional<double> previous_h;
  while (true) {
    const std::optional<double> next = next_wake_h();
    if (!next || *next > now_h) break;
    const double at_h = *next;
    TEARLINE_ASSERT(!previous_h || *previous_h <= at_h);  // Earliest first: never back.
    previous_h = at_h;
    if (next_report_ < pending_reports_.size() && pending_reports_[next_report_]->at_h == at_h) {
      produce_source_report(context, *pending_reports_[next_report_++]);
    } else if (background_.next_h() == at_h) {
      v1::ThreatReport report = background_.pop();
      report.set_origin_agency(spec_.name);  // Signed if it ever leaves (sign_if_own).
      const std::string id = report.report_id();
      context.trace(report_event("created", id, report, at_h, "background@" + spec_.name));
      const int priority = relevance(report);
      database_.offer(context, id, std::move(report), priority, at_h);
    } else if (intel_.next_release_h() == at_h) {
      for (const HeldReport& released : intel_.take_released(at_h)) release(context, released);
    } else {
      desk_.advance(context, at_h);
      database_.advance(context, at_h);
    }
    handle_served(context);
  }
}

void AgencyRole::handle_served(NodeContext& context) {
  for (ServedReport& served : desk_.take_served()) after_desk(context, served);
  for (ServedReport& served : database_.take_served()) file(context, served);
}

void AgencyRole::produce_source_report(NodeContext& context, const ReportSpec& spec) {
  v1::ThreatReport report;
  report.set_report_id(spec.id);
  report.set_trace_id(spec.id);
  report.set_origin_agency(spec_.name);
  v1::Source* source = report.mutable_source();
  source->set_agency(spec_.name);
  source->set_handle(spec.source);
  for (const SourceSpec& known : spec_.sources) {
    if (known.handle == spec.source) source->set_value(known.value);
  }
  if (spec.subject) report.set_subject(*spec.subject);
  if (spec.area) report.set_area(*spec.area);
  if (spec.site) report.set_site(*spec.site);
  if (spec.window) *report.mutable_window() = *spec.window;
  if (spec.method) report.set_method(*spec.method);
  report.set_credibility(spec.credibility);
  report.set_severity(spec.severity);
  report.set_tlp(spec.tlp);
  report.set_observed_at_h(spec.at_h);

  context.trace(report_event("created", spec.id, report, spec.at_h, "source@" + spec_.name));
  const int priority = relevance(report);
  desk_.offer(context, spec.id, std::move(report), priority, spec.at_h);
}

void AgencyRole::after_desk(NodeContext& context, const ServedReport& served) {
  const std::optional<IntelHit> hit = intel_.match(served.report);
  if (hit && hit->action == v1::IntelFault::ACTION_DELAY) {
    return intel_.hold(served, served.at_h + hit->delay_h, hit->fault);
  }
  pass_on(context, served, hit);
}

void AgencyRole::release(NodeContext& context, const HeldReport& released) {
  // Held once is enough: what it causes now names the delay that held it,
  // unless a fault of another kind given since decides.
  std::optional<IntelHit> hit = intel_.match(released.served.report);
  if (!hit || hit->action == v1::IntelFault::ACTION_DELAY) {
    hit = IntelHit{v1::IntelFault::ACTION_DELAY, 0, released.fault};
  }
  pass_on(context, released.served, hit);
}

void AgencyRole::pass_on(NodeContext& context, const ServedReport& served,
                         const std::optional<IntelHit>& hit) {
  if (hit && hit->action == v1::IntelFault::ACTION_LOSE) {
    TraceEvent lost =
        report_event("lost", served.message_id, served.report, served.at_h, fault_handoff());
    lost.reason = "fault:lost";
    lost.fault = hit->fault;
    return context.trace(std::move(lost));
  }
  if (mode_ == "bilateral") {
    for (const PartnerSpec& partner : spec_.partners) {
      share_with_partner(context, served, partner, hit);
    }
  } else {
    send_to_broker(context, served, hit);
  }
  // The original goes on into the agency's own national database.
  database_.offer(context, served.message_id, served.report, relevance(served.report), served.at_h);
}

void AgencyRole::share_with_partner(NodeContext& context, const ServedReport& served,
                                    const PartnerSpec& partner,
                                    const std::optional<IntelHit>& hit) {
  const std::string handoff = "sharing@" + spec_.name;
  const std::string id = copy_message_id(served.message_id, partner.agency);
  std::string reason;
  ShareDecision decision = ShareDecision::kFull;
  switch (hit ? hit->action : v1::IntelFault::ACTION_UNSPECIFIED) {
    case v1::IntelFault::ACTION_WITHHOLD:
      reason = "withheld:fault";
      decision = ShareDecision::kWithheld;
      break;
    case v1::IntelFault::ACTION_SHARE_FULL:
      break;  // The fault overrides the policy, handling caveats included.
    default: {
      const std::string origin_country = scenario_.country_of(served.report.origin_agency());
      const bool in_origin_country =
          !origin_country.empty() && scenario_.country_of(partner.agency) == origin_country;
      decision = spec_.policy.decide(served.report, partner.trust, in_origin_country, &reason);
    }
  }
  // Every refusal says why, and only a refusal (the trace reads it so).
  TEARLINE_ASSERT((decision == ShareDecision::kWithheld) == !reason.empty());
  v1::ThreatReport shared = served.report;
  if (decision != ShareDecision::kWithheld) signer_.sign_if_own(&shared);
  if (decision == ShareDecision::kSanitised) {
    // A tearline copy is a new report of this agency's, naming its parent.
    const std::string parent_id = shared.signature().report_id();
    shared = sanitise(shared, id);
    signer_.sign(&shared, parent_id);
  }
  v1::Envelope envelope = make_copy(context, served.message_id, partner.agency, std::move(shared),
                                    handoff, served.at_h);

  std::string_view kind = decision == ShareDecision::kFull        ? "shared"
                          : decision == ShareDecision::kSanitised ? "sanitised"
                                                                  : "withheld";
  TraceEvent outcome = report_event(kind, id, envelope.report(), served.at_h, handoff);
  outcome.peer = partner.agency;
  outcome.reason = reason;
  // The why, as the policy weighed it (whatever it decided, and even when
  // TLP or severity decided before trust did).
  const SharingPolicy::Applied applied =
      spec_.policy.thresholds_for(served.report.source().value());
  outcome.source_value = applied.source_value;
  outcome.trust = partner.trust;
  outcome.full_trust_min = applied.thresholds.full_trust_min;
  outcome.sanitised_trust_min = applied.thresholds.sanitised_trust_min;
  if (hit) outcome.fault = hit->fault;
  context.trace(std::move(outcome));
  if (decision == ShareDecision::kWithheld) return;
  context.send(partner.agency, std::move(envelope), served.at_h, SendOptions{});
}

void AgencyRole::send_to_broker(NodeContext& context, const ServedReport& served,
                                const std::optional<IntelHit>& hit) {
  v1::ThreatReport copy = served.report;
  signer_.sign_if_own(&copy);
  if (copy.source().has_handle()) {
    copy.mutable_source()->set_sealed(seal_source(key_, copy.source().handle()));
  }
  TEARLINE_ASSERT(!copy.source().has_handle());  // A source leaves sealed, never in clear.
  const std::string& broker = scenario_.broker.name;
  const bool withhold = hit && hit->action == v1::IntelFault::ACTION_WITHHOLD;
  // A copy withheld is the agency's decision, made and refused at its sharing.
  const std::string handoff = withhold ? "sharing@" + spec_.name : spec_.name + "->" + broker;
  v1::Envelope envelope = make_copy(context, served.message_id, broker, std::move(copy), handoff,
                                    served.at_h, hit ? hit->fault : std::string());
  if (withhold) {
    TraceEvent withheld =
        report_event("withheld", envelope.message_id(), envelope.report(), served.at_h, handoff);
    withheld.peer = broker;
    withheld.reason = "withheld:fault";
    withheld.fault = hit->fault;
    return context.trace(std::move(withheld));
  }
  SendOptions options;
  options.resend = true;
  options.deadline_h = served.at_h + scenario_.broker.delivery_deadline_h;
  context.send(broker, std::move(envelope), served.at_h, options);
}

void AgencyRole::file(NodeContext& context, const ServedReport& served) {
  context.trace(report_event("delivered", served.message_id, served.report, served.at_h,
                             database_.handoff()));
  const bool for_own_unit =
      served.report.has_area() &&
      std::any_of(scenario_.units.begin(), scenario_.units.end(), [&](const UnitSpec& unit) {
        return unit.agency == spec_.name && unit.area == served.report.area();
      });
  if (!for_own_unit) return;
  filed_.push_back({served.message_id, served.report, served.at_h});
  // Bounded: a filed report stays retrievable for the database's time-to-live.
  const double keep_after_h = served.at_h - spec_.database.ttl_h;
  std::erase_if(filed_, [&](const Filed& filed) { return filed.filed_at_h < keep_after_h; });
}

void AgencyRole::on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) {
  if (envelope.sender() == scenario_.broker.name) {
    // The centre's copy of our own report: its routing confirmed.
    context.trace(report_event("delivered", envelope.message_id(), envelope.report(), now_h,
                               "receipt@" + spec_.name));
    return;
  }
  database_.offer(context, envelope.message_id(), envelope.report(), relevance(envelope.report()),
                  now_h);
  handle_served(context);
}

void AgencyRole::on_poll(NodeContext& context, const v1::PollRequest& poll, const std::string& from,
                         double now_h) {
  // Only this agency's units poll it: the role rules refused any other
  // sender before the poll was taken in (node/intake/role_rules.h).
  const UnitSpec* unit = scenario_.unit(from);
  if (!unit || unit->agency != spec_.name) {
    throw std::logic_error("a poll from " + from + ", not a unit of " + spec_.name);
  }
  // Need to know: a unit gets reports on its own area only.
  if (unit->area != poll.area()) {
    TraceEvent event;
    event.kind = "rejected";
    event.t_h = now_h;
    event.peer = from;
    event.handoff = "poll@" + spec_.name;
    event.area = poll.area();
    event.reason = "rejected:poll-for-another-area";
    context.trace(std::move(event));
    return;
  }
  const double since_h = last_poll_h_by_unit_.count(from) ? last_poll_h_by_unit_[from] : -1;
  last_poll_h_by_unit_[from] = now_h;
  for (const Filed& filed : filed_) {
    if (filed.filed_at_h <= since_h || filed.report.area() != unit->area) continue;
    v1::ThreatReport copy = filed.report;
    signer_.sign_if_own(&copy);
    // Units get the intelligence, never the source behind it.
    copy.mutable_source()->clear_identity();
    TEARLINE_ASSERT(copy.source().identity_case() == v1::Source::IDENTITY_NOT_SET);
    const std::string handoff = "poll@" + spec_.name;
    v1::Envelope envelope =
        make_copy(context, filed.message_id, from, std::move(copy), handoff, now_h);
    // The unit covers the report's area (need to know) and belongs to this
    // agency's country; the label decides whether that is enough.
    const std::string origin_country = scenario_.country_of(filed.report.origin_agency());
    const std::string reason = tlp_refusal(
        filed.report.tlp(),
        {.needs_to_know = filed.report.area() == unit->area,
         .in_origin_country = !origin_country.empty() && origin_country == spec_.country});
    if (!reason.empty()) {
      trace_withheld(context, envelope, from, handoff, reason, now_h);
      continue;
    }
    context.send(from, std::move(envelope), now_h, SendOptions{});
  }
}

void AgencyRole::record_in_flight(NodeContext& context, double now_h) {
  desk_.record_in_flight(context, now_h);
  database_.record_in_flight(context, now_h);
  intel_.record_in_flight(context, now_h, fault_handoff());
}

void AgencyRole::fill_status(v1::NodeStatus* status) const {
  (*status->mutable_queue_depth_msgs())[desk_.handoff()] = desk_.depth_msgs();
  (*status->mutable_queue_depth_msgs())[database_.handoff()] = database_.depth_msgs();
}

bool AgencyRole::aim_fault(const v1::IntelFault& fault, std::string* error) {
  return intel_.add(fault, error);
}

Desk* AgencyRole::desk_named(const std::string& name) {
  if (name == desk_.handoff()) return &desk_;
  if (name == database_.handoff()) return &database_;
  return nullptr;
}

}  // namespace tearline
