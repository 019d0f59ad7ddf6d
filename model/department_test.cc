#include "model/department.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tearline {
namespace {

using Kind = QueueEvent::Kind;

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::kQueued:
      return "queued";
    case Kind::kDropped:
      return "dropped";
    case Kind::kDequeued:
      return "dequeued";
    case Kind::kServed:
      return "served";
    case Kind::kExpired:
      return "expired";
  }
  return "?";
}

// "kind:id@hour", compact enough to compare whole sequences.
std::vector<std::string> describe(const std::vector<QueueEvent>& events) {
  std::vector<std::string> out;
  for (const QueueEvent& event : events) {
    out.push_back(kind_name(event.kind) + ":" + event.message_id + "@" +
                  std::to_string(event.at_h).substr(0, 4));
  }
  return out;
}

QueueConfig fixed_service(double service_h, uint32_t workers = 1) {
  QueueConfig config;
  config.workers = workers;
  config.service.fixed_h = service_h;
  return config;
}

class DepartmentTest : public ::testing::Test {
 protected:
  Random random_{42};
};

TEST_F(DepartmentTest, FifoServesInArrivalOrder) {
  QueueConfig config = fixed_service(1);
  config.priority = QueueConfig::Priority::kFifo;
  Department department("desk@agency.uk", config, random_);
  EXPECT_EQ(describe(department.offer("a", 10, 0)),
            (std::vector<std::string>{"queued:a@0.00", "dequeued:a@0.00"}));
  EXPECT_EQ(describe(department.offer("b", 1, 0.5)), (std::vector<std::string>{"queued:b@0.50"}));
  EXPECT_EQ(department.advance(0.75).size(), 0u);
  EXPECT_EQ(describe(department.offer("c", 50, 0.75)), (std::vector<std::string>{"queued:c@0.75"}));
  EXPECT_EQ(describe(department.advance(10)),
            (std::vector<std::string>{"served:a@1.00", "dequeued:b@1.00", "served:b@2.00",
                                      "dequeued:c@2.00", "served:c@3.00"}));
}

TEST_F(DepartmentTest, RelevanceServesHighestPriorityFirstThenEarlierArrival) {
  Department department("desk@agency.uk", fixed_service(1), random_);
  department.offer("first", 0, 0);
  department.offer("low-early", 10, 0.1);
  department.offer("high-early", 50, 0.2);
  department.offer("high-late", 50, 0.3);
  department.offer("low-late", 10, 0.4);
  std::vector<std::string> started;
  for (const QueueEvent& event : department.advance(10)) {
    if (event.kind == Kind::kDequeued) started.push_back(event.message_id);
  }
  EXPECT_EQ(started,
            (std::vector<std::string>{"high-early", "high-late", "low-early", "low-late"}));
}

TEST_F(DepartmentTest, DropsArrivalsWhenTheQueueIsFull) {
  QueueConfig config = fixed_service(1);
  config.capacity_msgs = 2;
  Department department("database@agency.uk", config, random_);
  department.offer("in-service", 0, 0);  // Does not count against capacity.
  department.offer("w1", 0, 0);
  department.offer("w2", 0, 0);
  const std::vector<QueueEvent> events = department.offer("late", 0, 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kDropped);
  EXPECT_EQ(events[0].message_id, "late");
  EXPECT_EQ(events[0].reason, "dropped:queue-full");
  EXPECT_EQ(events[0].depth_msgs, 2u);
  EXPECT_EQ(department.waiting_msgs(), 2u);

  // Once a worker takes w1 there is room again.
  department.advance(1);
  EXPECT_EQ(department.offer("later", 0, 1)[0].kind, Kind::kQueued);
}

TEST_F(DepartmentTest, ZeroCapacityServesOnlyWhenAWorkerIsIdle) {
  QueueConfig config = fixed_service(1);
  config.capacity_msgs = 0;
  Department department("intake@unit.manchester", config, random_);
  EXPECT_EQ(describe(department.offer("a", 0, 0)),
            (std::vector<std::string>{"queued:a@0.00", "dequeued:a@0.00"}));
  EXPECT_EQ(describe(department.offer("b", 0, 0)), (std::vector<std::string>{"dropped:b@0.00"}));
}

TEST_F(DepartmentTest, ExpiresWaitingMessagesAtExactlyArrivalPlusTtl) {
  QueueConfig config = fixed_service(10);
  config.ttl_h = 5;
  Department department("database@agency.uk", config, random_);
  department.offer("a", 0, 0);
  department.offer("b", 99, 1.25);
  EXPECT_EQ(department.next_event_h(), 6.25);
  EXPECT_TRUE(department.advance(6.2).empty());

  const std::vector<QueueEvent> expired = department.advance(6.25);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].kind, Kind::kExpired);
  EXPECT_EQ(expired[0].message_id, "b");
  EXPECT_EQ(expired[0].at_h, 6.25);
  EXPECT_EQ(expired[0].wait_h, 5.0);
  EXPECT_EQ(expired[0].reason, "expired:backlog");
  EXPECT_EQ(expired[0].depth_msgs, 0u);

  // "a" has been in service for longer than the TTL: it is never expired.
  EXPECT_EQ(describe(department.advance(100)), (std::vector<std::string>{"served:a@10.0"}));
}

TEST_F(DepartmentTest, ExpiryWinsOverAWorkerFreedAtTheSameHour) {
  QueueConfig config = fixed_service(5);
  config.ttl_h = 5;
  Department department("database@agency.uk", config, random_);
  department.offer("a", 0, 0);
  department.offer("b", 0, 0);
  EXPECT_EQ(describe(department.advance(5)),
            (std::vector<std::string>{"expired:b@5.00", "served:a@5.00"}));
  EXPECT_EQ(department.in_service_msgs(), 0u);
}

TEST_F(DepartmentTest, WorkersServeInParallel) {
  Department department("officers@broker", fixed_service(2, 2), random_);
  department.offer("a", 0, 0);
  department.offer("b", 0, 0);
  department.offer("c", 0, 0);
  EXPECT_EQ(department.in_service_msgs(), 2u);
  EXPECT_EQ(department.waiting_msgs(), 1u);
  const std::vector<QueueEvent> events = department.advance(10);
  EXPECT_EQ(describe(events), (std::vector<std::string>{"served:a@2.00", "served:b@2.00",
                                                        "dequeued:c@2.00", "served:c@4.00"}));
  EXPECT_EQ(events[2].wait_h, 2.0);
  EXPECT_EQ(events[3].wait_h, 2.0);
  EXPECT_EQ(events[3].service_h, 2.0);
}

TEST_F(DepartmentTest, ReportsWaitAndServiceTimes) {
  QueueConfig config;
  config.service = {
      .fixed_h = 0.5, .distribution = DelayModel::Distribution::kExponential, .mean_h = 2};
  Department department("desk@agency.us", config, random_);
  department.offer("a", 0, 1);
  department.advance(1.5);
  department.offer("b", 0, 1.5);
  const double a_service_h = 0.5 + random_.exponential(2, "desk@agency.us", "a");
  const double b_service_h = 0.5 + random_.exponential(2, "desk@agency.us", "b");

  const std::vector<QueueEvent> events = department.advance(100);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, Kind::kServed);
  EXPECT_DOUBLE_EQ(events[0].at_h, 1 + a_service_h);
  EXPECT_EQ(events[0].wait_h, 0.0);
  EXPECT_DOUBLE_EQ(events[0].service_h, a_service_h);
  EXPECT_EQ(events[1].kind, Kind::kDequeued);
  EXPECT_DOUBLE_EQ(events[1].wait_h, 1 + a_service_h - 1.5);
  EXPECT_EQ(events[2].kind, Kind::kServed);
  EXPECT_DOUBLE_EQ(events[2].wait_h, 1 + a_service_h - 1.5);
  EXPECT_DOUBLE_EQ(events[2].service_h, b_service_h);
  EXPECT_DOUBLE_EQ(events[2].at_h, 1 + a_service_h + b_service_h);
}

TEST_F(DepartmentTest, NextEventIsTheEarliestCompletionOrExpiry) {
  QueueConfig config = fixed_service(3);
  config.ttl_h = 2;
  Department department("desk@agency.uk", config, random_);
  EXPECT_EQ(department.next_event_h(), std::nullopt);
  department.offer("a", 0, 0);
  EXPECT_EQ(department.next_event_h(), 3.0);
  department.advance(0.5);
  department.offer("b", 0, 0.5);
  EXPECT_EQ(department.next_event_h(), 2.5);
  department.advance(2.5);
  EXPECT_EQ(department.next_event_h(), 3.0);
  department.advance(3);
  EXPECT_EQ(department.next_event_h(), std::nullopt);
}

TEST_F(DepartmentTest, HeldMessagesAreThoseWaitingOrInService) {
  Department department("desk@agency.uk", fixed_service(1), random_);
  department.offer("a", 0, 0);
  department.offer("b", 0, 0);
  EXPECT_EQ(department.held_message_ids(), (std::vector<std::string>{"a", "b"}));
  department.advance(1);
  EXPECT_EQ(department.held_message_ids(), (std::vector<std::string>{"b"}));
  department.advance(2);
  EXPECT_TRUE(department.held_message_ids().empty());
}

TEST_F(DepartmentTest, ReportsDepthAfterEachEvent) {
  Department department("desk@agency.uk", fixed_service(1), random_);
  std::vector<uint32_t> depths_msgs;
  auto record = [&](const std::vector<QueueEvent>& events) {
    for (const QueueEvent& event : events) depths_msgs.push_back(event.depth_msgs);
  };
  record(department.offer("a", 0, 0));  // queued 1, dequeued 0
  record(department.offer("b", 0, 0));  // queued 1
  record(department.offer("c", 0, 0));  // queued 2
  record(department.advance(1));        // served a 2, dequeued b 1
  EXPECT_EQ(depths_msgs, (std::vector<uint32_t>{1, 0, 1, 2, 2, 1}));
}

TEST_F(DepartmentTest, ServiceTimesDependOnSeedAndIdNotArrivalOrder) {
  QueueConfig config;
  config.workers = 10;
  config.service = {
      .distribution = DelayModel::Distribution::kLognormal, .median_h = 4, .sigma = 1};
  const std::vector<std::string> ids = {"m1", "m2", "m3", "m4", "m5"};
  auto service_times_h = [&](const Random& random, const std::vector<std::string>& order) {
    Department department("database@agency.uk", config, random);
    for (const std::string& id : order) department.offer(id, 0, 0);
    std::map<std::string, double> times_h;
    for (const QueueEvent& event : department.advance(1e6)) {
      if (event.kind == Kind::kServed) times_h[event.message_id] = event.service_h;
    }
    return times_h;
  };
  const std::map<std::string, double> forward_h = service_times_h(random_, ids);
  const std::map<std::string, double> backward_h =
      service_times_h(random_, {ids.rbegin(), ids.rend()});
  ASSERT_EQ(forward_h.size(), ids.size());
  EXPECT_EQ(forward_h, backward_h);
  EXPECT_NE(forward_h.at("m1"), forward_h.at("m2"));
  EXPECT_NE(service_times_h(Random(43), ids), forward_h);
}

TEST_F(DepartmentTest, ZeroServiceTimeDrainsTheQueueAtOnce) {
  Department department("desk@agency.uk", fixed_service(0), random_);
  department.offer("a", 0, 0);
  department.offer("b", 0, 0);
  department.offer("c", 0, 0);
  EXPECT_EQ(department.advance(0).size(), 5u);  // 3 served, 2 dequeued.
  EXPECT_TRUE(department.held_message_ids().empty());
}

TEST_F(DepartmentTest, ReconfigureAddsWorkersFromNowOn) {
  Department department("desk@agency.uk", fixed_service(4), random_);
  department.offer("a", 0, 0);
  department.offer("b", 0, 0);
  department.advance(1);
  department.reconfigure(fixed_service(1, 2));
  EXPECT_EQ(department.config().workers, 2u);
  EXPECT_EQ(department.next_event_h(), 1.0);
  // "a" keeps its service time of 4; "b" starts now with the new one.
  EXPECT_EQ(describe(department.advance(10)),
            (std::vector<std::string>{"dequeued:b@1.00", "served:b@2.00", "served:a@4.00"}));
}

TEST_F(DepartmentTest, RejectsGoingBackInTime) {
  Department department("desk@agency.uk", fixed_service(1), random_);
  department.advance(5);
  EXPECT_THROW(department.advance(4), std::logic_error);
  EXPECT_THROW(department.offer("a", 0, 4), std::logic_error);
  department.offer("a", 0, 5);
  department.offer("b", 0, 5);
  // b's service would start at 6: offering at 7 without advance() loses it.
  EXPECT_THROW(department.offer("c", 0, 7), std::logic_error);
}

TEST_F(DepartmentTest, NoCompletionComesBeforeItsLowerBound) {
  // Service: 2 h fixed plus an exponential part, so the bound is loose.
  QueueConfig config = fixed_service(2, 2);
  config.service.distribution = DelayModel::Distribution::kExponential;
  config.service.mean_h = 3;
  Department department("officers@broker", config, random_);
  EXPECT_FALSE(department.next_completion_bound_h().has_value());
  double now_h = 0;
  for (int i = 0; i < 40; ++i) {
    std::string id = "m";
    id += std::to_string(i);
    now_h += 0.7;
    const std::optional<double> bound = department.next_completion_bound_h();
    for (const QueueEvent& event : department.advance(now_h)) {
      if (event.kind == Kind::kServed) {
        ASSERT_TRUE(bound.has_value());
        EXPECT_GE(event.at_h, *bound) << event.message_id;
      }
    }
    department.offer(id, 0, now_h);
    // Holding something, it gives a bound, never before now.
    ASSERT_TRUE(department.next_completion_bound_h().has_value());
    EXPECT_GE(*department.next_completion_bound_h(), now_h);
  }
}

TEST_F(DepartmentTest, AWaitingReportIsBoundedByTheFirstWorkerToFreeWhenAllAreBusy) {
  // A short least service time and a long drawn one: counted from the
  // department's clock, the waiting report's bound would be 0.1 + 0.25 h,
  // long before anything can happen, and it would fall ever further behind
  // the node's clock while the node is not woken.
  QueueConfig config = fixed_service(0.25, 1);
  config.service.distribution = DelayModel::Distribution::kExponential;
  config.service.mean_h = 10;
  Department department("officers@broker", config, random_);
  department.offer("first", 0, 0);
  department.offer("second", 0, 0.1);
  const std::optional<double> first_done_h = department.next_event_h();
  ASSERT_TRUE(first_done_h.has_value());
  ASSERT_GT(*first_done_h, 0.35);  // The seed's draw; else the test shows nothing.
  // The worker frees at first_done_h; "second" ends later still.
  EXPECT_DOUBLE_EQ(*department.next_completion_bound_h(), *first_done_h);
}

}  // namespace
}  // namespace tearline
