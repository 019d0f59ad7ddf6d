#include "node/fault_state.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "node/node_test_support.h"

namespace tearline {
namespace {

using test_support::kinds_of;
using test_support::kUnit;

constexpr const char* kNode = test_support::kAgency;
constexpr const char* kPeer = test_support::kPartnerAgency;

class FaultStateTest : public ::testing::Test, protected test_support::AgencyParts {
 protected:
  bool carry_out(v1::ControlRequest request, double at_h) {
    error_.clear();
    return faults_.carry_out(request, at_h, &error_);
  }
  static v1::ControlRequest pause() {
    v1::ControlRequest request;
    request.mutable_pause();
    return request;
  }
  static v1::ControlRequest resume() {
    v1::ControlRequest request;
    request.mutable_resume();
    return request;
  }
  static v1::ControlRequest partition(std::vector<std::string> peers) {
    v1::ControlRequest request;
    for (const std::string& peer : peers) request.mutable_partition()->add_peers(peer);
    return request;
  }
  static v1::PeerState peer_state(const std::string& node, bool up, uint32_t incarnation) {
    v1::PeerState state;
    state.set_node(node);
    state.set_up(up);
    state.set_incarnation(incarnation);
    return state;
  }

  std::string error_;
};

TEST_F(FaultStateTest, ResumeRaisesTheFloorsToItsHour) {
  ASSERT_TRUE(carry_out(pause(), 2));
  EXPECT_TRUE(faults_.paused());
  ASSERT_TRUE(carry_out(resume(), 5));
  EXPECT_FALSE(faults_.paused());
  EXPECT_DOUBLE_EQ(faults_.intake_floor_h(), 5);
  // What the node sends while catching up leaves at the resume.
  v1::Envelope envelope;
  envelope.set_message_id("m1");
  links_.send(kPeer, envelope, 3, SendOptions{});
  ASSERT_EQ(wire_.frames.size(), 1u);
  EXPECT_DOUBLE_EQ(wire_.frames[0].second.envelope().sent_at_h(), 5);
}

TEST_F(FaultStateTest, ResumeWithoutPauseHoldsNothing) {
  ASSERT_TRUE(carry_out(resume(), 5));
  EXPECT_FALSE(faults_.paused());
  EXPECT_DOUBLE_EQ(faults_.intake_floor_h(), 0);
}

TEST_F(FaultStateTest, TheIntakeFloorIsNeverLowered) {
  faults_.hold_until(10);
  faults_.hold_until(4);
  EXPECT_DOUBLE_EQ(faults_.intake_floor_h(), 10);
}

TEST_F(FaultStateTest, PartitionsAddUpUntilHealed) {
  ASSERT_TRUE(carry_out(partition({kPeer}), 1));
  ASSERT_TRUE(carry_out(partition({kUnit}), 2));
  EXPECT_TRUE(faults_.partitioned(kPeer));
  EXPECT_TRUE(faults_.partitioned(kUnit));
  EXPECT_TRUE(links_.partitioned(kPeer));
  v1::ControlRequest heal;
  heal.mutable_heal();
  ASSERT_TRUE(carry_out(heal, 3));
  EXPECT_TRUE(faults_.partitioned_peers().empty());
  EXPECT_FALSE(links_.partitioned(kPeer));
}

TEST_F(FaultStateTest, APartitionNamingAnUnknownPeerOrItselfChangesNothing) {
  EXPECT_FALSE(carry_out(partition({kPeer, "agency.zz"}), 1));
  EXPECT_EQ(error_, "no peer named \"agency.zz\"");
  EXPECT_FALSE(carry_out(partition({kNode}), 1));
  EXPECT_TRUE(faults_.partitioned_peers().empty());
  EXPECT_FALSE(links_.partitioned(kPeer));
}

TEST_F(FaultStateTest, ALinkFaultNamesAKnownPeerOrEvery) {
  v1::ControlRequest link;
  link.mutable_link()->set_peer("agency.zz");
  EXPECT_FALSE(carry_out(link, 1));
  link.mutable_link()->set_peer("*");
  EXPECT_TRUE(carry_out(link, 1));
}

TEST_F(FaultStateTest, CrashIsRequestedUntilCleared) {
  v1::ControlRequest crash;
  crash.mutable_crash();
  EXPECT_FALSE(faults_.crash_requested());
  ASSERT_TRUE(carry_out(crash, 4));
  EXPECT_TRUE(faults_.crash_requested());
  faults_.clear_crash();
  EXPECT_FALSE(faults_.crash_requested());
}

TEST_F(FaultStateTest, OtherCommandsAreNotFaults) {
  v1::ControlRequest ping;
  ping.mutable_ping();
  EXPECT_FALSE(carry_out(ping, 1));
  EXPECT_EQ(error_.rfind("not a fault command", 0), 0u) << error_;
}

TEST_F(FaultStateTest, APeersChangeIsTracedOnceAndToldToTheLinks) {
  EXPECT_FALSE(faults_.peer_down(kPeer));
  EXPECT_EQ(faults_.peer_incarnation(kPeer), 1u);
  faults_.change_peer(peer_state(kPeer, false, 1), 3);
  faults_.change_peer(peer_state(kPeer, false, 1), 4);  // No change.
  EXPECT_TRUE(faults_.peer_down(kPeer));
  links_.send(kPeer, v1::Envelope(), 5, SendOptions{});  // Lost with it.
  EXPECT_TRUE(wire_.frames.empty());
  faults_.change_peer(peer_state(kPeer, true, 2), 6);
  faults_.change_peer(peer_state(kNode, false, 2), 6);  // Itself: ignored.
  EXPECT_FALSE(faults_.peer_down(kPeer));
  EXPECT_EQ(faults_.peer_incarnation(kPeer), 2u);
  EXPECT_EQ(kinds_of(events_), (std::vector<std::string>{"peer_down", "sent", "lost", "peer_up"}));
  EXPECT_EQ(events_.back().peer, kPeer);
  EXPECT_DOUBLE_EQ(events_.back().t_h, 6);
}

TEST_F(FaultStateTest, AFaultIsTracedWithItsIssuer) {
  v1::ControlRequest request = partition({kPeer});
  request.set_issued_by("operator");
  faults_.trace_fault(request, "launcher", 2.5);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].kind, "fault");
  EXPECT_EQ(events_[0].fault, "partition agency.bb");
  EXPECT_EQ(events_[0].by, "operator");
  EXPECT_EQ(events_[0].issuer, "launcher");
  EXPECT_DOUBLE_EQ(events_[0].t_h, 2.5);
}

}  // namespace
}  // namespace tearline
