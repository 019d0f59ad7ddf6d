// Test support for the role tests (nodes/*_test.cc, broker/broker_test.cc):
// a scenario built in code with exact (fixed) service times, and a fake
// NodeContext that records what a role traces and sends. No sockets, no
// processes (docs/STYLE.md, practice 3).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "node/role.h"
#include "scenario/scenario.h"

namespace tearline::test_support {

// Service times of every department below, in scenario hours.
inline constexpr double kDeskServiceH = 2;
inline constexpr double kDatabaseServiceH = 3;
inline constexpr double kOfficersServiceH = 4;
inline constexpr double kIntakeServiceH = 1;
inline constexpr double kPollIntervalH = 24;
inline constexpr double kDurationH = 720;

// One worker, a fixed service time, relevance order, no background load.
inline QueueConfig fixed_queue(double service_h) {
  QueueConfig config;
  config.workers = 1;
  config.service.distribution = DelayModel::Distribution::kNone;
  config.service.fixed_h = service_h;
  config.capacity_msgs = 100;
  config.ttl_h = 500;
  config.priority = QueueConfig::Priority::kRelevance;
  return config;
}

inline AgencySpec agency(const std::string& country) {
  AgencySpec spec;
  spec.name = "agency." + country;
  spec.country = country;
  spec.desk = fixed_queue(kDeskServiceH);
  spec.database = fixed_queue(kDatabaseServiceH);
  return spec;
}

inline UnitSpec unit(const std::string& name, const std::string& agency_name,
                     const std::string& area) {
  UnitSpec spec;
  spec.name = name;
  spec.agency = agency_name;
  spec.area = area;
  spec.response_h = 24;
  spec.poll_interval_h = kPollIntervalH;
  spec.intake = fixed_queue(kIntakeServiceH);
  return spec;
}

// Four agencies, a broker, four units:
// - agency.us holds an insider and an officer source. Its policy shares an
//   officer's reports in full from trust 0.9, sanitised from 0.5; an
//   insider's never in full. Its partners: agency.uk (trust 0.95: full for an
//   officer), agency.fr (0.6: sanitised), agency.ru (0.2: withheld).
// - agency.uk holds uk.insider-1; partner agency.us (trust 0.95).
// - unit.manchester and unit.manchester-ctu (agency.uk) cover manchester,
//   unit.london (agency.uk) london, unit.st-petersburg (agency.ru)
//   st-petersburg.
// Links neither delay nor lose. No reports: each test adds its own.
inline Scenario role_scenario() {
  Scenario scenario;
  scenario.name = "roles";
  scenario.duration_h = kDurationH;
  scenario.seed = 1;

  AgencySpec us = agency("us");
  us.sources = {{"us.insider-7", "insider"}, {"us.officer-2", "officer"}};
  us.policy.by_source_value["officer"] = {0.9, 0.5};
  us.policy.by_source_value["insider"] = {1.1, 0.5};
  us.partners = {{"agency.uk", 0.95}, {"agency.fr", 0.6}, {"agency.ru", 0.2}};
  AgencySpec uk = agency("uk");
  uk.sources = {{"uk.insider-1", "insider"}};
  uk.partners = {{"agency.us", 0.95}};
  scenario.agencies = {us, uk, agency("fr"), agency("ru")};

  scenario.broker.officers = fixed_queue(kOfficersServiceH);
  scenario.broker.correlation_window_h = 720;
  scenario.broker.correlation_boost = 25;
  scenario.broker.resend_interval_h = 6;
  scenario.broker.delivery_deadline_h = 168;

  scenario.units = {unit("unit.manchester", "agency.uk", "manchester"),
                    unit("unit.manchester-ctu", "agency.uk", "manchester"),
                    unit("unit.london", "agency.uk", "london"),
                    unit("unit.st-petersburg", "agency.ru", "st-petersburg")};
  scenario.link_default.loss.probability = 0;
  return scenario;
}

// A report of `agency_name`'s source `source` at at_h, about manchester, with
// every operational field.
inline ReportSpec full_report(const std::string& id, const std::string& agency_name,
                              const std::string& source, double at_h) {
  ReportSpec spec;
  spec.id = id;
  spec.agency = agency_name;
  spec.source = source;
  spec.at_h = at_h;
  spec.subject = "subject.abedi";
  spec.area = "manchester";
  spec.site = "arena";
  v1::TimeWindow window;
  window.set_start_h(400);
  window.set_end_h(500);
  spec.window = window;
  spec.method = "ied";
  spec.credibility = "B2";
  spec.severity = v1::SEVERITY_HIGH;
  spec.tlp = v1::TLP_AMBER;
  return spec;
}

// Records what a role does through its context.
class FakeContext final : public NodeContext {
 public:
  struct Sent {
    std::string peer;
    v1::Envelope envelope;
    double at_h = 0;
    SendOptions options;
  };
  struct Poll {
    std::string peer;
    v1::PollRequest poll;
  };

  explicit FakeContext(std::string node, uint64_t seed = 1)
      : node_(std::move(node)), random_(seed) {}

  const std::string& node_name() const override { return node_; }
  const Random& random() const override { return random_; }
  void trace(TraceEvent event) override {
    event.node = node_;
    events.push_back(std::move(event));
  }
  void send(const std::string& peer, v1::Envelope envelope, double at_h,
            const SendOptions& options) override {
    EXPECT_FALSE(envelope.message_id().empty()) << "a send without a message id";
    sent.push_back({peer, std::move(envelope), at_h, options});
  }
  void send_poll(const std::string& peer, const v1::PollRequest& poll) override {
    polls.push_back({peer, poll});
  }

  // Events of `kind`, optionally only those about message `msg`.
  std::vector<const TraceEvent*> events_of(std::string_view kind, std::string_view msg = {}) const {
    std::vector<const TraceEvent*> found;
    for (const TraceEvent& event : events) {
      if (event.kind == kind && (msg.empty() || event.msg == msg)) found.push_back(&event);
    }
    return found;
  }

  // "kind handoff @hour" of every event about `msg`, in order.
  std::vector<std::string> steps_of(std::string_view msg) const {
    std::vector<std::string> steps;
    for (const TraceEvent& event : events) {
      if (event.msg != msg) continue;
      char hour[32];
      std::snprintf(hour, sizeof hour, " @%g", event.t_h);
      std::string step(event.kind);
      step += " " + event.handoff + hour;
      steps.push_back(std::move(step));
    }
    return steps;
  }

  // Sends to `peer`.
  std::vector<const Sent*> sent_to(std::string_view peer) const {
    std::vector<const Sent*> found;
    for (const Sent& one : sent) {
      if (one.peer == peer) found.push_back(&one);
    }
    return found;
  }

  std::vector<TraceEvent> events;
  std::vector<Sent> sent;
  std::vector<Poll> polls;

 private:
  std::string node_;
  Random random_;
  int counter_ = 0;
};

}  // namespace tearline::test_support
