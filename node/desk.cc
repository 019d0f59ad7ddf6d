#include "node/desk.h"

#include "trace/report_fields.h"

namespace tearline {
namespace {

std::string_view kind_name(QueueEvent::Kind kind) {
  switch (kind) {
    case QueueEvent::Kind::kQueued:
      return "queued";
    case QueueEvent::Kind::kDropped:
      return "lost";
    case QueueEvent::Kind::kDequeued:
      return "dequeued";
    case QueueEvent::Kind::kServed:
      return "served";
    case QueueEvent::Kind::kExpired:
      return "expired";
  }
  return "?";
}

}  // namespace

Desk::Desk(std::string handoff, const QueueConfig& config, const Random& random)
    : department_(std::move(handoff), config, random), original_config_(config) {}

void Desk::offer(NodeContext& context, const std::string& message_id, v1::ThreatReport report,
                 int priority, double now_h) {
  advance(context, now_h);
  held_[message_id] = std::move(report);
  priority_by_id_[message_id] = priority;
  trace_events(context, department_.offer(message_id, priority, now_h));
}

void Desk::advance(NodeContext& context, double now_h) {
  trace_events(context, department_.advance(now_h));
}

void Desk::trace_events(NodeContext& context, const std::vector<QueueEvent>& events) {
  for (const QueueEvent& queue_event : events) {
    auto held = held_.find(queue_event.message_id);
    if (held == held_.end()) continue;  // Cannot happen: the desk offered every id.
    TraceEvent event = report_event(kind_name(queue_event.kind), queue_event.message_id,
                                    held->second, queue_event.at_h, handoff());
    event.depth = queue_event.depth_msgs;
    event.wait_h = queue_event.wait_h;
    event.service_h = queue_event.service_h;
    event.reason = queue_event.reason;
    event.priority = priority_by_id_[queue_event.message_id];
    context.trace(std::move(event));
    switch (queue_event.kind) {
      case QueueEvent::Kind::kServed:
        served_.push_back({queue_event.message_id, std::move(held->second), queue_event.at_h});
        [[fallthrough]];
      case QueueEvent::Kind::kDropped:
      case QueueEvent::Kind::kExpired:
        held_.erase(held);
        priority_by_id_.erase(queue_event.message_id);
        break;
      case QueueEvent::Kind::kQueued:
      case QueueEvent::Kind::kDequeued:
        break;
    }
  }
}

std::vector<ServedReport> Desk::take_served() {
  std::vector<ServedReport> served;
  served.swap(served_);
  return served;
}

void Desk::record_in_flight(NodeContext& context, double now_h) const {
  for (const auto& [id, report] : held_) {
    TraceEvent event = report_event("in_flight", id, report, now_h, handoff());
    event.reason = "held in " + handoff();
    context.trace(std::move(event));
  }
}

}  // namespace tearline
