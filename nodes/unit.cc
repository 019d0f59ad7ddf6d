#include "nodes/unit.h"

#include <stdexcept>

#include "base/invariant.h"
#include "model/intelligence.h"
#include "trace/report_fields.h"

namespace tearline {
namespace {

const UnitSpec& find_unit(const Scenario& scenario, const std::string& name) {
  const UnitSpec* spec = scenario.unit(name);
  if (!spec) throw std::invalid_argument("no unit named " + name + " in the scenario");
  return *spec;
}

}  // namespace

UnitRole::UnitRole(const Scenario& scenario, const std::string& name, const Random& random)
    : spec_(find_unit(scenario, name)),
      end_h_(scenario.duration_h),
      intake_("intake@" + name, spec_.intake, random),
      next_poll_h_(spec_.poll_interval_h) {
  // The scenario reader refuses any other: polls must move on.
  TEARLINE_ASSERT(spec_.poll_interval_h > 0);
}

void UnitRole::begin_at(double now_h) {
  while (next_poll_h_ < now_h) next_poll_h_ += spec_.poll_interval_h;
}

std::optional<double> UnitRole::next_wake_h() const {
  std::optional<double> next = intake_.next_event_h();
  if (next_poll_h_ < end_h_ && (!next || next_poll_h_ < *next)) next = next_poll_h_;
  return next;
}

std::optional<double> UnitRole::next_send_bound_h() const {
  if (next_poll_h_ < end_h_) return next_poll_h_;
  return std::nullopt;
}

void UnitRole::advance(NodeContext& context, double now_h) {
  while (true) {
    const std::optional<double> next = next_wake_h();
    if (!next || *next > now_h) break;
    if (*next == next_poll_h_) {
      v1::PollRequest poll;
      poll.set_unit(spec_.name);
      poll.set_area(spec_.area);
      poll.set_at_h(next_poll_h_);
      context.send_poll(spec_.agency, poll);
      next_poll_h_ += spec_.poll_interval_h;
      TEARLINE_ASSERT(next_poll_h_ > *next);
    } else {
      intake_.advance(context, *next);
    }
    for (const ServedReport& served : intake_.take_served()) act(context, served);
  }
}

void UnitRole::on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) {
  intake_.offer(context, envelope.message_id(), envelope.report(), relevance(envelope.report()),
                now_h);
  for (const ServedReport& served : intake_.take_served()) act(context, served);
}

void UnitRole::act(NodeContext& context, const ServedReport& served) {
  context.trace(
      report_event("delivered", served.message_id, served.report, served.at_h, intake_.handoff()));
  TraceEvent acted =
      report_event("acted", served.message_id, served.report, served.at_h, intake_.handoff());
  acted.actionable = has_actionable_detail(served.report);
  context.trace(std::move(acted));
}

void UnitRole::record_in_flight(NodeContext& context, double now_h) {
  intake_.record_in_flight(context, now_h);
}

void UnitRole::fill_status(v1::NodeStatus* status) const {
  (*status->mutable_queue_depth_msgs())[intake_.handoff()] = intake_.depth_msgs();
}

Desk* UnitRole::desk_named(const std::string& name) {
  return name == intake_.handoff() ? &intake_ : nullptr;
}

}  // namespace tearline
