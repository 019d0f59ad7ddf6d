#include "node/desk.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tearline {
namespace {

constexpr char kHandoff[] = "desk@agency.uk";

// A NodeContext that only records trace events: a desk never sends.
class RecordingContext final : public NodeContext {
 public:
  const std::string& node_name() const override { return node_; }
  const Random& random() const override { return random_; }
  void trace(TraceEvent event) override { events.push_back(std::move(event)); }
  void send(const std::string&, v1::Envelope, double, const SendOptions&) override {
    ADD_FAILURE() << "a desk sent a message";
  }
  void send_poll(const std::string&, const v1::PollRequest&) override {
    ADD_FAILURE() << "a desk sent a poll";
  }

  // "kind:msg@hour" of every event, in order.
  std::vector<std::string> describe() const {
    std::vector<std::string> out;
    for (const TraceEvent& event : events) {
      std::string line(event.kind);
      line += ":" + event.msg + "@" + std::to_string(event.t_h).substr(0, 4);
      out.push_back(std::move(line));
    }
    return out;
  }

  std::vector<TraceEvent> events;

 private:
  std::string node_ = "agency.uk";
  Random random_{3};
  int counter_ = 0;
};

QueueConfig fixed_service(double service_h, uint32_t workers = 1) {
  QueueConfig config;
  config.workers = workers;
  config.service.distribution = DelayModel::Distribution::kNone;
  config.service.fixed_h = service_h;
  return config;
}

v1::ThreatReport report(const std::string& id) {
  v1::ThreatReport result;
  result.set_report_id(id);
  result.set_trace_id("trace-" + id);
  result.set_origin_agency("agency.us");
  result.mutable_source()->set_agency("agency.us");
  result.mutable_source()->set_handle("us.insider-7");
  result.set_subject("subject-" + id);
  result.set_area("manchester");
  result.set_severity(v1::SEVERITY_HIGH);
  result.set_tlp(v1::TLP_AMBER);
  return result;
}

class DeskTest : public ::testing::Test {
 protected:
  Random random_{11};
  RecordingContext context_;
};

TEST_F(DeskTest, OfferToAnIdleWorkerTracesQueuedThenDequeued) {
  Desk desk(kHandoff, fixed_service(2), random_);
  EXPECT_EQ(desk.handoff(), kHandoff);
  desk.offer(context_, "a", report("a"), 40, 1);

  ASSERT_EQ(context_.describe(), (std::vector<std::string>{"queued:a@1.00", "dequeued:a@1.00"}));
  const TraceEvent& queued = context_.events[0];
  EXPECT_EQ(queued.handoff, kHandoff);
  EXPECT_EQ(queued.priority, 40);
  EXPECT_EQ(queued.depth, 1u);
  EXPECT_EQ(queued.trace, "trace-a");
  EXPECT_EQ(queued.area, "manchester");
  EXPECT_EQ(queued.source_kind, "handle");
  EXPECT_EQ(queued.source, "us.insider-7");
  EXPECT_EQ(context_.events[1].depth, 0u);
  EXPECT_EQ(context_.events[1].wait_h, 0.0);
  EXPECT_EQ(desk.depth_msgs(), 1u);
  EXPECT_EQ(desk.next_event_h(), 3.0);
}

TEST_F(DeskTest, OfferToABusyDeskTracesOnlyQueued) {
  Desk desk(kHandoff, fixed_service(2), random_);
  desk.offer(context_, "a", report("a"), 40, 0);
  context_.events.clear();
  desk.offer(context_, "b", report("b"), 40, 0.5);
  ASSERT_EQ(context_.describe(), (std::vector<std::string>{"queued:b@0.50"}));
  EXPECT_EQ(context_.events[0].depth, 1u);
  EXPECT_EQ(desk.depth_msgs(), 2u);
}

TEST_F(DeskTest, ServedReportsComeOutInTimeOrderNotOfferOrder) {
  Desk desk(kHandoff, fixed_service(2), random_);
  desk.offer(context_, "a", report("a"), 50, 0);
  desk.offer(context_, "low", report("low"), 10, 0.5);
  desk.offer(context_, "high", report("high"), 90, 1);
  EXPECT_TRUE(desk.take_served().empty());

  desk.advance(context_, 100);
  const std::vector<ServedReport> served = desk.take_served();
  ASSERT_EQ(served.size(), 3u);
  EXPECT_EQ(served[0].message_id, "a");
  EXPECT_EQ(served[0].at_h, 2.0);
  EXPECT_EQ(served[1].message_id, "high");
  EXPECT_EQ(served[1].at_h, 4.0);
  EXPECT_EQ(served[2].message_id, "low");
  EXPECT_EQ(served[2].at_h, 6.0);
  // The report comes out as it went in.
  EXPECT_EQ(served[1].report.subject(), "subject-high");
  EXPECT_EQ(served[1].report.source().handle(), "us.insider-7");
  EXPECT_TRUE(desk.take_served().empty());
  EXPECT_EQ(desk.depth_msgs(), 0u);

  // Each served event carries its wait and service time.
  std::map<std::string, std::pair<double, double>> wait_and_service_h;
  for (const TraceEvent& event : context_.events) {
    if (event.kind == "served") wait_and_service_h[event.msg] = {event.wait_h, event.service_h};
  }
  EXPECT_EQ(wait_and_service_h, (std::map<std::string, std::pair<double, double>>{
                                    {"a", {0, 2}}, {"high", {1, 2}}, {"low", {3.5, 2}}}));
}

TEST_F(DeskTest, ServedEventsAreTracedInTimeOrderAcrossWorkers) {
  Desk desk(kHandoff, fixed_service(3, 2), random_);
  desk.offer(context_, "a", report("a"), 50, 0);
  desk.offer(context_, "b", report("b"), 50, 1);
  desk.offer(context_, "c", report("c"), 50, 2);
  desk.advance(context_, 100);
  std::vector<double> served_h;
  for (const ServedReport& served : desk.take_served()) served_h.push_back(served.at_h);
  EXPECT_EQ(served_h, (std::vector<double>{3, 4, 6}));
}

TEST_F(DeskTest, ArrivalAtAFullQueueIsLostAsQueueFull) {
  QueueConfig config = fixed_service(5);
  config.capacity_msgs = 1;
  Desk desk(kHandoff, config, random_);
  desk.offer(context_, "in-service", report("in-service"), 50, 0);
  desk.offer(context_, "waiting", report("waiting"), 50, 0);
  context_.events.clear();

  desk.offer(context_, "late", report("late"), 99, 1);
  ASSERT_EQ(context_.describe(), (std::vector<std::string>{"lost:late@1.00"}));
  const TraceEvent& lost = context_.events[0];
  EXPECT_EQ(lost.reason, "dropped:queue-full");
  EXPECT_EQ(lost.handoff, kHandoff);
  EXPECT_EQ(lost.trace, "trace-late");
  EXPECT_EQ(desk.depth_msgs(), 2u);

  // It is gone: never served, not held at the end.
  desk.advance(context_, 100);
  for (const ServedReport& served : desk.take_served()) EXPECT_NE(served.message_id, "late");
  context_.events.clear();
  desk.record_in_flight(context_, 100);
  EXPECT_TRUE(context_.events.empty());
}

TEST_F(DeskTest, WaitingPastTheTimeToLiveIsTracedExpired) {
  QueueConfig config = fixed_service(10);
  config.ttl_h = 3;
  Desk desk(kHandoff, config, random_);
  desk.offer(context_, "a", report("a"), 50, 0);
  desk.offer(context_, "b", report("b"), 50, 1);
  context_.events.clear();

  desk.advance(context_, 3.999);
  EXPECT_TRUE(context_.events.empty());
  desk.advance(context_, 4);
  ASSERT_EQ(context_.describe(), (std::vector<std::string>{"expired:b@4.00"}));
  EXPECT_EQ(context_.events[0].reason, "expired:backlog");
  EXPECT_EQ(context_.events[0].wait_h, 3.0);

  desk.advance(context_, 100);
  const std::vector<ServedReport> served = desk.take_served();
  ASSERT_EQ(served.size(), 1u);
  EXPECT_EQ(served[0].message_id, "a");
}

TEST_F(DeskTest, RecordInFlightCoversWaitingAndInServiceOnce) {
  Desk desk(kHandoff, fixed_service(10), random_);
  desk.offer(context_, "in-service", report("in-service"), 50, 0);
  desk.offer(context_, "waiting", report("waiting"), 50, 1);
  desk.offer(context_, "done-later", report("done-later"), 50, 2);
  context_.events.clear();

  desk.record_in_flight(context_, 5);
  std::map<std::string, int> count_by_msg;
  for (const TraceEvent& event : context_.events) {
    EXPECT_EQ(event.kind, "in_flight");
    EXPECT_EQ(event.t_h, 5.0);
    EXPECT_EQ(event.handoff, kHandoff);
    EXPECT_EQ(event.reason, std::string("held in ") + kHandoff);
    EXPECT_EQ(event.trace, "trace-" + event.msg);
    ++count_by_msg[event.msg];
  }
  EXPECT_EQ(count_by_msg,
            (std::map<std::string, int>{{"done-later", 1}, {"in-service", 1}, {"waiting", 1}}));

  // Served reports are no longer held.
  desk.advance(context_, 20);
  EXPECT_EQ(desk.take_served().size(), 2u);
  context_.events.clear();
  desk.record_in_flight(context_, 20);
  ASSERT_EQ(context_.events.size(), 1u);
  EXPECT_EQ(context_.events[0].msg, "done-later");
}

}  // namespace
}  // namespace tearline
