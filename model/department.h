// A department: a queue of messages served by a pool of workers, simulated in
// scenario time (docs/MODEL.md: "workers, service time, capacity, priority rule,
// time-to-live").
//
// The department never reads a clock. Its owner feeds it the current scenario
// hour: advance(now_h) first, then offer() new arrivals at now_h. It returns
// what happened as QueueEvents in time order, so the owner can trace them and
// act on served messages.
//
// Semantics:
// - offer(): if the queue (waiting messages, not counting those in service)
//   holds capacity_msgs already, the arrival is dropped (kDropped,
//   reason "dropped:queue-full"). Otherwise it is queued; if a worker is idle,
//   service starts at once (kDequeued at now_h). An idle worker takes an
//   arrival even when capacity_msgs is 0 (a queue without waiting room).
// - A worker that becomes free at time t takes the waiting message that comes
//   first by the priority rule: kRelevance, highest priority first, ties by
//   earlier arrival; kFifo, earliest arrival.
// - A waiting message whose arrival + ttl_h has passed is expired (kExpired at
//   exactly arrival + ttl_h, reason "expired:backlog") and never served, not
//   even by a worker freed at that same hour (the expiry comes first).
//   Messages in service are never expired.
// - Service time is drawn from `service` keyed by the message id, so the same
//   seed gives the same service times whatever the arrival order.
// - advance(now_h) processes every start, completion and expiry at or before
//   now_h, in time order, and returns them.
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/delay_model.h"
#include "model/random.h"

namespace tearline {

// The most workers a department may have, in a scenario file and in a queue
// fault command alike, so that a typo cannot make a node allocate without
// bound.
inline constexpr uint32_t kWorkersMax = 10'000;

struct QueueConfig {
  enum class Priority { kFifo, kRelevance };

  uint32_t workers = 1;
  DelayModel service;
  uint32_t capacity_msgs = 1000;
  double ttl_h = 720;
  Priority priority = Priority::kRelevance;
};

struct QueueEvent {
  enum class Kind { kQueued, kDropped, kDequeued, kServed, kExpired };

  Kind kind;
  std::string message_id;
  double at_h = 0;
  // Messages waiting (not in service) right after this event.
  uint32_t depth_msgs = 0;
  // kDequeued, kServed, kExpired: time spent waiting before service.
  double wait_h = 0;
  // kServed: time spent in service.
  double service_h = 0;
  // kDropped: "dropped:queue-full"; kExpired: "expired:backlog".
  std::string reason;
};

class Department {
 public:
  // `name` names the handoff, e.g. "database@agency.uk", and keys the
  // service-time draws.
  Department(std::string name, QueueConfig config, const Random& random);

  const std::string& name() const { return name_; }
  const QueueConfig& config() const { return config_; }
  // Takes effect for services that start from now on (fault injection).
  void reconfigure(const QueueConfig& config);

  // Moves the simulation to now_h. now_h must not go backwards (throws
  // std::logic_error: a bug of the caller).
  std::vector<QueueEvent> advance(double now_h);
  // Offers an arrival at now_h (after advance(now_h); throws std::logic_error
  // if events before now_h are pending). Returns kQueued or kDropped,
  // followed by kDequeued if service starts at once.
  std::vector<QueueEvent> offer(const std::string& message_id, int priority, double now_h);

  // Scenario hour of the next start, completion or expiry, if any.
  std::optional<double> next_event_h() const;
  // A lower bound on the hour of the next completion (a message served),
  // counting only what the department holds now; none if it holds nothing.
  std::optional<double> next_completion_bound_h() const;

  uint32_t waiting_msgs() const;
  uint32_t in_service_msgs() const;
  // Ids of every message waiting or in service, for the end-of-run record.
  std::vector<std::string> held_message_ids() const;

 private:
  struct Waiting {
    std::string message_id;
    int priority;
    double arrived_h;
    uint64_t arrival_seq;
  };
  struct InService {
    std::string message_id;
    double started_h;
    double done_h;
    double wait_h;
  };

  // Steps of advance() at now_h_, in this order.
  void expire_due(std::vector<QueueEvent>* events);
  void complete_due(std::vector<QueueEvent>* events);
  void start_idle_workers(std::vector<QueueEvent>* events);

  std::string name_;
  QueueConfig config_;
  const Random& random_;
  double now_h_ = 0;
  uint64_t next_arrival_seq_ = 0;
  std::vector<Waiting> waiting_;
  std::vector<InService> in_service_;
};

}  // namespace tearline
