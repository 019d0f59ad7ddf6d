#include "node/receiver.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "node/node_test_support.h"

namespace tearline {
namespace {

using test_support::kinds_of;
using test_support::kUnit;
using test_support::small_scenario;

constexpr const char* kNode = test_support::kAgency;
constexpr const char* kPartner = test_support::kPartnerAgency;

v1::Frame poll_frame(const std::string& unit, double arrival_h) {
  v1::Frame frame;
  frame.set_version(1);
  frame.set_receiver_incarnation(1);
  frame.set_arrival_h(arrival_h);
  v1::PollRequest* poll = frame.mutable_poll();
  poll->set_unit(unit);
  poll->set_area("north");
  poll->set_at_h(arrival_h - 0.5);
  return frame;
}

v1::Envelope envelope(const std::string& id, double deadline_h = 0) {
  v1::Envelope result;
  result.set_message_id(id);
  result.set_sender(kPartner);
  result.set_attempt(1);
  result.set_deadline_h(deadline_h);
  result.mutable_report()->set_severity(v1::SEVERITY_HIGH);
  result.mutable_report()->set_tlp(v1::TLP_AMBER);
  return result;
}

class ReceiverTest : public ::testing::Test, protected test_support::AgencyParts {
 protected:
  ReceiverTest()
      : receiver_(
            kNode, "bilateral", small_scenario(), origins_, links_, faults_, keeper(),
            [this](const std::string& peer, v1::Frame frame) {
              acks_.push_back({peer, frame});
            },
            test_support::null_logger()) {}

  void partition_from_partner() {
    v1::ControlRequest request;
    request.mutable_partition()->add_peers(kPartner);
    std::string error;
    ASSERT_TRUE(faults_.carry_out(request, 0, &error)) << error;
  }

  OriginVerifier origins_;
  std::vector<std::pair<std::string, v1::Frame>> acks_;
  Receiver receiver_;
};

TEST_F(ReceiverTest, KeepsAFrameThatPassesEveryCheckUntilItsHour) {
  EXPECT_TRUE(receiver_.take_frame(kUnit, poll_frame(kUnit, 3), 1, 2));
  EXPECT_EQ(receiver_.inbox().next_intake_h(), 3);
  EXPECT_TRUE(events_.empty());
}

TEST_F(ReceiverTest, AFrameLateForItsHourIsTakenInNowKeepingItsArrival) {
  // Its sender died mid-window (sync/DESIGN.md).
  ASSERT_TRUE(receiver_.take_frame(kUnit, poll_frame(kUnit, 3), 1, 5));
  EXPECT_EQ(receiver_.inbox().next_intake_h(), 5);
  EXPECT_DOUBLE_EQ(receiver_.inbox().pop_intake().frame.arrival_h(), 3);
}

TEST_F(ReceiverTest, RejectsAFrameForAnEarlierIncarnation) {
  EXPECT_FALSE(receiver_.take_frame(kUnit, poll_frame(kUnit, 3), 2, 2));
  EXPECT_EQ(receiver_.inbox().size(), 0u);
  ASSERT_EQ(kinds_of(events_), std::vector<std::string>{"rejected"});
  EXPECT_EQ(events_[0].reason, "rejected:stale-incarnation");
  EXPECT_EQ(events_[0].peer, kUnit);
  EXPECT_DOUBLE_EQ(events_[0].t_h, 2);
}

TEST_F(ReceiverTest, RejectsAnImpostor) {
  EXPECT_FALSE(receiver_.take_frame(kUnit, poll_frame("unit.south", 3), 1, 2));
  EXPECT_EQ(receiver_.inbox().size(), 0u);
  ASSERT_EQ(kinds_of(events_), std::vector<std::string>{"rejected"});
  EXPECT_EQ(events_[0].claimed, "unit.south");
}

TEST_F(ReceiverTest, RejectsWhatTheRoleRulesForbid) {
  // Nobody polls but a unit.
  EXPECT_FALSE(receiver_.take_frame(kPartner, poll_frame(kPartner, 3), 1, 2));
  EXPECT_EQ(receiver_.inbox().size(), 0u);
  EXPECT_EQ(kinds_of(events_), std::vector<std::string>{"rejected"});
}

TEST_F(ReceiverTest, TakesInOnceAndAcknowledgesEveryCopy) {
  EXPECT_TRUE(receiver_.take_in(kPartner, envelope("m1"), 4, 4));
  EXPECT_FALSE(receiver_.take_in(kPartner, envelope("m1"), 4, 4));
  EXPECT_EQ(kinds_of(events_), (std::vector<std::string>{"received", "duplicate"}));
  ASSERT_EQ(acks_.size(), 2u);
  const auto& [peer, ack] = acks_[0];
  EXPECT_EQ(peer, kPartner);
  EXPECT_EQ(ack.ack().message_id(), "m1");
  EXPECT_EQ(ack.ack().receiver(), kNode);
  EXPECT_DOUBLE_EQ(ack.ack().received_at_h(), 4);
  EXPECT_DOUBLE_EQ(ack.arrival_h(), 4 + links_.least_transit_to_h(kPartner));
}

TEST_F(ReceiverTest, APartitionLosesTheAttemptOfATrackedMessage) {
  partition_from_partner();
  EXPECT_FALSE(receiver_.take_in(kPartner, envelope("m1", 50), 4, 4));
  EXPECT_TRUE(acks_.empty());
  ASSERT_EQ(kinds_of(events_), std::vector<std::string>{"attempt_lost"});
  EXPECT_EQ(events_[0].reason, "partition");
  // At a stop before its acknowledgement could have come back, the sender
  // leaves it to this node, which records it as awaiting its resend.
  receiver_.record_arrived_not_taken_in(4 + links_.least_transit_to_h(kPartner) / 2);
  EXPECT_EQ(kinds_of(events_), (std::vector<std::string>{"attempt_lost", "in_flight"}));
  EXPECT_EQ(events_[1].reason, "awaiting resend");
}

TEST_F(ReceiverTest, APartitionLosesAnUntrackedMessageForGood) {
  partition_from_partner();
  EXPECT_FALSE(receiver_.take_in(kPartner, envelope("m1"), 4, 4));
  EXPECT_FALSE(receiver_.take_in(kPartner, envelope("m1"), 4, 4));  // Its copy: one fate.
  ASSERT_EQ(kinds_of(events_), std::vector<std::string>{"lost"});
  EXPECT_EQ(events_[0].reason, "partition");
}

TEST_F(ReceiverTest, RefusesATrackedMessageWhoseAcknowledgementWouldComeTooLate) {
  const double deadline_h = 4 + links_.least_transit_to_h(kPartner) / 2;
  EXPECT_FALSE(receiver_.take_in(kPartner, envelope("m1", deadline_h), 4, 4));
  EXPECT_TRUE(acks_.empty());
  ASSERT_EQ(kinds_of(events_), std::vector<std::string>{"attempt_lost"});
  EXPECT_EQ(events_[0].reason, "arrived-after-deadline");
}

TEST_F(ReceiverTest, AReportWithoutSeverityIsReceivedThenLost) {
  v1::Envelope unspecified = envelope("m1");
  unspecified.mutable_report()->set_severity(v1::SEVERITY_UNSPECIFIED);
  EXPECT_FALSE(receiver_.take_in(kPartner, unspecified, 4, 4));
  EXPECT_EQ(acks_.size(), 1u);
  ASSERT_EQ(kinds_of(events_), (std::vector<std::string>{"received", "lost"}));
  EXPECT_EQ(events_[1].reason, "rejected:unspecified-severity-or-tlp");
}

}  // namespace
}  // namespace tearline
