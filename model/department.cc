#include "model/department.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "base/invariant.h"

namespace tearline {
namespace {

QueueEvent queue_event(QueueEvent::Kind kind, const std::string& message_id, double at_h,
                       uint32_t depth_msgs) {
  QueueEvent event;
  event.kind = kind;
  event.message_id = message_id;
  event.at_h = at_h;
  event.depth_msgs = depth_msgs;
  return event;
}

}  // namespace

Department::Department(std::string name, QueueConfig config, const Random& random)
    : name_(std::move(name)), config_(std::move(config)), random_(random) {}

void Department::reconfigure(const QueueConfig& config) { config_ = config; }

std::vector<QueueEvent> Department::advance(double now_h) {
  if (now_h < now_h_) {
    throw std::logic_error(name_ + ": advance() went back in time");
  }
  std::vector<QueueEvent> events;
  for (std::optional<double> next_h = next_event_h(); next_h && *next_h <= now_h;
       next_h = next_event_h()) {
    TEARLINE_ASSERT(*next_h >= now_h_);  // Nothing is pending before the present.
    now_h_ = *next_h;
    expire_due(&events);
    complete_due(&events);
    start_idle_workers(&events);
  }
  now_h_ = now_h;
  // Returned in time order, none after now_h.
  for (size_t i = 0; i < events.size(); ++i) {
    TEARLINE_ASSERT(events[i].at_h <= now_h);
    TEARLINE_ASSERT(i == 0 || events[i - 1].at_h <= events[i].at_h);
  }
  return events;
}

std::optional<double> Department::next_completion_bound_h() const {
  std::optional<double> bound;
  for (const InService& service : in_service_) {
    if (!bound || service.done_h < *bound) bound = service.done_h;
  }
  // A waiting message starts no earlier than now, nor before a worker frees
  // when all are busy, and takes at least the least service time. (Counting
  // from now alone, a bound could fall behind the node's clock while it is
  // not woken, and stall the time authority.)
  if (!waiting_.empty()) {
    const bool all_busy = bound && in_service_.size() >= config_.workers;
    const double waiting_bound_h = (all_busy ? *bound : now_h_) + config_.service.least_h();
    if (!bound || waiting_bound_h < *bound) bound = waiting_bound_h;
  }
  return bound;
}

std::vector<QueueEvent> Department::offer(const std::string& message_id, int priority,
                                          double now_h) {
  const std::optional<double> next_h = next_event_h();
  if (now_h < now_h_ || (next_h && *next_h < now_h)) {
    throw std::logic_error(name_ + ": offer() without advance() to its time");
  }
  now_h_ = now_h;
  std::vector<QueueEvent> events;
  // An idle worker takes the arrival even with no waiting room
  // (capacity_msgs = 0 is a loss system).
  const bool worker_idle = in_service_.size() < config_.workers;
  if (!worker_idle && waiting_.size() >= config_.capacity_msgs) {
    QueueEvent& dropped = events.emplace_back(
        queue_event(QueueEvent::Kind::kDropped, message_id, now_h_, waiting_msgs()));
    dropped.reason = "dropped:queue-full";
    return events;
  }
  const size_t held_before = waiting_.size() + in_service_.size();
  waiting_.push_back({message_id, priority, now_h_, next_arrival_seq_++});
  events.push_back(queue_event(QueueEvent::Kind::kQueued, message_id, now_h_, waiting_msgs()));
  start_idle_workers(&events);
  // Queued, it is held (waiting or in service) until served or expired.
  TEARLINE_ASSERT(waiting_.size() + in_service_.size() == held_before + 1);
  return events;
}

std::optional<double> Department::next_event_h() const {
  if (!waiting_.empty() && in_service_.size() < config_.workers) return now_h_;
  std::optional<double> next_h;
  for (const InService& service : in_service_) {
    if (!next_h || service.done_h < *next_h) next_h = service.done_h;
  }
  if (!waiting_.empty()) {
    // waiting_ is in arrival order and the TTL is the same for all, so the
    // front expires first. A TTL shortened by reconfigure() may already
    // have passed: expire it now.
    const double expiry_h = std::max(now_h_, waiting_.front().arrived_h + config_.ttl_h);
    if (!next_h || expiry_h < *next_h) next_h = expiry_h;
  }
  return next_h;
}

uint32_t Department::waiting_msgs() const { return static_cast<uint32_t>(waiting_.size()); }

uint32_t Department::in_service_msgs() const { return static_cast<uint32_t>(in_service_.size()); }

std::vector<std::string> Department::held_message_ids() const {
  std::vector<std::string> ids;
  ids.reserve(in_service_.size() + waiting_.size());
  for (const InService& service : in_service_) ids.push_back(service.message_id);
  for (const Waiting& waiting : waiting_) ids.push_back(waiting.message_id);
  return ids;
}

// Called at the hour of the front's expiry (arrival + ttl_h exactly), or at
// once when reconfigure() shortened the TTL below the time already waited.
// Expiry comes before completion at the same hour: at arrival + ttl_h a
// message is no longer eligible for service.
void Department::expire_due(std::vector<QueueEvent>* events) {
  while (!waiting_.empty() && waiting_.front().arrived_h + config_.ttl_h <= now_h_) {
    TEARLINE_ASSERT(waiting_.front().arrived_h <= now_h_);
    const Waiting expired = std::move(waiting_.front());
    waiting_.erase(waiting_.begin());
    QueueEvent& event = events->emplace_back(
        queue_event(QueueEvent::Kind::kExpired, expired.message_id, now_h_, waiting_msgs()));
    event.wait_h = now_h_ - expired.arrived_h;
    event.reason = "expired:backlog";
  }
}

void Department::complete_due(std::vector<QueueEvent>* events) {
  for (auto it = in_service_.begin(); it != in_service_.end();) {
    if (it->done_h > now_h_) {
      ++it;
      continue;
    }
    QueueEvent& event = events->emplace_back(
        queue_event(QueueEvent::Kind::kServed, it->message_id, it->done_h, waiting_msgs()));
    event.wait_h = it->wait_h;
    event.service_h = it->done_h - it->started_h;
    TEARLINE_ASSERT(event.service_h >= 0 && event.wait_h >= 0);
    it = in_service_.erase(it);
  }
}

void Department::start_idle_workers(std::vector<QueueEvent>* events) {
  while (!waiting_.empty() && in_service_.size() < config_.workers) {
    auto next = waiting_.begin();
    if (config_.priority == QueueConfig::Priority::kRelevance) {
      // max_element keeps the first of equals, and waiting_ is in arrival
      // order: ties go to the earlier arrival.
      next = std::max_element(
          waiting_.begin(), waiting_.end(),
          [](const Waiting& a, const Waiting& b) { return a.priority < b.priority; });
    }
    const Waiting started = std::move(*next);
    waiting_.erase(next);
    const double service_h = config_.service.sample_h(random_, name_, started.message_id);
    const double wait_h = now_h_ - started.arrived_h;
    TEARLINE_ASSERT(wait_h >= 0 && service_h >= 0);
    in_service_.push_back({started.message_id, now_h_, now_h_ + service_h, wait_h});
    QueueEvent& event = events->emplace_back(
        queue_event(QueueEvent::Kind::kDequeued, started.message_id, now_h_, waiting_msgs()));
    event.wait_h = wait_h;
  }
}

}  // namespace tearline
