// A department holding reports: a Department (the queue simulation) plus the
// reports it holds, traced under one handoff name ("desk@agency.uk").
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/department.h"
#include "node/role.h"
#include "tearline/v1/report.pb.h"

namespace tearline {

struct ServedReport {
  std::string message_id;
  v1::ThreatReport report;
  double at_h = 0;
};

class Desk {
 public:
  Desk(std::string handoff, const QueueConfig& config, const Random& random);

  const std::string& handoff() const { return department_.name(); }
  const QueueConfig& config() const { return department_.config(); }
  // Takes effect for services that start from now on (fault injection).
  void reconfigure(const QueueConfig& config) { department_.reconfigure(config); }
  // Back to the configuration the desk was built with.
  void reset_config() { department_.reconfigure(original_config_); }

  // Offers a report arriving at now_h and traces what becomes of it (queued,
  // dequeued, or lost with reason dropped:queue-full).
  void offer(NodeContext& context, const std::string& message_id, v1::ThreatReport report,
             int priority, double now_h);
  // Moves to now_h, tracing starts, completions and expiries.
  void advance(NodeContext& context, double now_h);
  // Reports whose service finished, in time order, since the last call.
  std::vector<ServedReport> take_served();

  std::optional<double> next_event_h() const { return department_.next_event_h(); }
  // A lower bound on the next hour a report is served, counting what the
  // desk holds now and one arriving at arrival_h (if given).
  std::optional<double> next_served_bound_h(std::optional<double> arrival_h = std::nullopt) const {
    std::optional<double> bound = department_.next_completion_bound_h();
    if (arrival_h) {
      const double arriving_h = *arrival_h + department_.config().service.least_h();
      if (!bound || arriving_h < *bound) bound = arriving_h;
    }
    return bound;
  }
  uint32_t depth_msgs() const { return department_.waiting_msgs() + department_.in_service_msgs(); }
  void record_in_flight(NodeContext& context, double now_h) const;

 private:
  void trace_events(NodeContext& context, const std::vector<QueueEvent>& events);

  Department department_;
  QueueConfig original_config_;
  std::map<std::string, v1::ThreatReport> held_;
  std::map<std::string, int> priority_by_id_;
  std::vector<ServedReport> served_;
};

}  // namespace tearline
