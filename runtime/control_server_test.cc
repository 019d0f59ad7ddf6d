// The control server over a real CURVE ROUTER, serving a fake node: who may
// say what, grants waiting for their frames, replies held back.
#include "runtime/control_server.h"

#include <gtest/gtest.h>

#include "runtime/runtime_test_support.h"
#include "security/zap_handler.h"

namespace tearline {
namespace {

using testing::ControlClient;
using testing::quiet_log;

// Records what the server asked of it; answers as told.
class FakeNode final : public ControlledNode {
 public:
  std::string start(const v1::Start&, const std::string& issuer) override {
    starts.push_back(issuer);
    return start_error;
  }
  void stop(const std::string&) override { ++stops; }
  std::string replicate(const std::string&) override { return ""; }
  std::string apply_fault(const v1::ControlRequest&, const std::string& issuer) override {
    faults.push_back(issuer);
    return "";
  }
  void peer_gone(const std::string& node) override { gone.push_back(node); }
  std::string grant_refusal(const v1::Grant&) override { return ""; }
  v1::RoundReport run_window(const v1::Grant& grant) override {
    ++windows;
    v1::RoundReport report;
    report.set_round(grant.round());
    report.set_reached_h(grant.until_h());
    return report;
  }
  void make_durable() override { ++durable; }
  void fill_status(v1::NodeStatus*) override {}
  bool holding() const override { return hold; }
  void replied() override { ++replies; }

  std::string start_error;
  std::vector<std::string> starts, faults, gone;
  int stops = 0, windows = 0, durable = 0, replies = 0;
  bool hold = false;
};

class ControlServerTest : public ::testing::Test {
 protected:
  ControlServerTest()
      : node_key_(generate_member_key("agency.uk")),
        launcher_key_(generate_member_key(kLauncherMember)),
        operator_key_(generate_member_key(kOperatorMember)),
        keys_({{node_key_.name, node_key_.curve_public_z85},
               {launcher_key_.name, launcher_key_.curve_public_z85},
               {operator_key_.name, operator_key_.curve_public_z85}}),
        zap_(context_, keys_, {{kControlDomain, {kLauncherMember, kOperatorMember}}}, quiet_log()),
        control_(context_, zmq::socket_type::router),
        server_("agency.uk", control_, node_, quiet_log()),
        endpoint_("ipc://" + (dir_.path() / "control").string()) {
    make_curve_server(control_, node_key_, kControlDomain);
    control_.set(zmq::sockopt::linger, 0);
    control_.bind(endpoint_);
  }

  ControlClient client(const MemberKey& member) {
    return ControlClient(context_, member, node_key_.curve_public_z85, endpoint_);
  }
  // Handles the request that comes next.
  void handle_next() {
    ASSERT_TRUE(testing::await_message(control_));
    server_.handle();
  }
  static v1::ControlRequest grant(uint64_t request_id, uint64_t frames_from_uk) {
    v1::ControlRequest request;
    request.set_request_id(request_id);
    request.mutable_grant()->set_round(request_id);
    request.mutable_grant()->set_until_h(2);
    v1::FrameCount* expected = request.mutable_grant()->add_expected();
    expected->set_peer("unit.north");
    expected->set_peer_incarnation(1);
    expected->set_frames(frames_from_uk);
    return request;
  }

  testing::TempDir dir_;
  MemberKey node_key_, launcher_key_, operator_key_;
  PublicKeys keys_;
  zmq::context_t context_;
  ZapHandler zap_;
  zmq::socket_t control_;
  FakeNode node_;
  ControlServer server_;
  std::string endpoint_;
};

TEST_F(ControlServerTest, AGrantRunsOnceEveryExpectedFrameHasCome) {
  ControlClient launcher = client(launcher_key_);
  launcher.send(grant(7, 2));
  handle_next();
  server_.count_frame("unit.north", 1);
  server_.count_frame("unit.north", 2);  // Another incarnation's frame counts apart.
  server_.run_grant_if_ready();
  EXPECT_EQ(node_.windows, 0);
  server_.count_frame("unit.north", 1);
  server_.run_grant_if_ready();
  EXPECT_EQ(node_.windows, 1);
  const auto reply = launcher.await_reply();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->ok());
  EXPECT_EQ(reply->request_id(), 7u);
  EXPECT_EQ(reply->round_report().round(), 7u);
  EXPECT_EQ(node_.replies, 1);
}

TEST_F(ControlServerTest, ASecondGrantIsRefusedWhileOneWaits) {
  ControlClient launcher = client(launcher_key_);
  launcher.send(grant(1, 1));
  handle_next();
  launcher.send(grant(2, 0));
  handle_next();
  const auto refusal = launcher.await_reply();
  ASSERT_TRUE(refusal);
  EXPECT_FALSE(refusal->ok());
  EXPECT_EQ(refusal->request_id(), 2u);
  EXPECT_EQ(refusal->error(), "a grant is already pending");
  EXPECT_EQ(node_.windows, 0);
}

TEST_F(ControlServerTest, APeerGoneNoLongerHoldsUpTheGrant) {
  ControlClient launcher = client(launcher_key_);
  launcher.send(grant(1, 5));
  handle_next();
  v1::ControlRequest gone;
  gone.set_request_id(2);
  gone.mutable_peer_gone()->set_node("unit.north");
  launcher.send(gone);
  handle_next();
  EXPECT_EQ(node_.gone, std::vector<std::string>{"unit.north"});
  EXPECT_EQ(node_.windows, 1);
  const auto first = launcher.await_reply();
  const auto second = launcher.await_reply();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->request_id(), 2u);
  EXPECT_EQ(second->request_id(), 1u);
  EXPECT_TRUE(second->has_round_report());
}

TEST_F(ControlServerTest, OnlyTheLauncherStartsTheNodeTheOperatorMayInjectFaults) {
  ControlClient operator_client = client(operator_key_);
  v1::ControlRequest start;
  start.set_request_id(3);
  start.mutable_start()->set_end_h(10);
  operator_client.send(start);
  handle_next();
  const auto refusal = operator_client.await_reply();
  ASSERT_TRUE(refusal);
  EXPECT_FALSE(refusal->ok());
  EXPECT_EQ(refusal->error(), "only the launcher may start");
  EXPECT_TRUE(node_.starts.empty());

  v1::ControlRequest pause;
  pause.set_request_id(4);
  pause.mutable_pause();
  operator_client.send(pause);
  handle_next();
  const auto paused = operator_client.await_reply();
  ASSERT_TRUE(paused);
  EXPECT_TRUE(paused->ok());
  EXPECT_EQ(node_.faults, std::vector<std::string>{kOperatorMember});
  EXPECT_EQ(node_.durable, 1);

  ControlClient launcher = client(launcher_key_);
  node_.start_error = "start needs begin and end hours";
  launcher.send(start);
  handle_next();
  const auto refused_start = launcher.await_reply();
  ASSERT_TRUE(refused_start);
  EXPECT_EQ(node_.starts, std::vector<std::string>{kLauncherMember});
  EXPECT_FALSE(refused_start->ok());
  EXPECT_EQ(refused_start->error(), "start needs begin and end hours");
}

TEST_F(ControlServerTest, BadRequestsAreRefusedOrIgnored) {
  ControlClient launcher = client(launcher_key_);
  // Two frames from a DEALER reach the ROUTER as three: ignored, unanswered.
  launcher.send_raw("first", zmq::send_flags::sndmore);
  launcher.send_raw("second");
  handle_next();
  launcher.send_raw(std::string("\xff\xff\xff", 3));
  handle_next();
  v1::ControlRequest nothing;
  nothing.set_request_id(9);
  launcher.send(nothing);
  handle_next();
  const auto malformed = launcher.await_reply();
  const auto unknown = launcher.await_reply();
  ASSERT_TRUE(malformed && unknown);
  EXPECT_EQ(malformed->error(), "malformed control request");
  EXPECT_EQ(unknown->request_id(), 9u);
  EXPECT_EQ(unknown->error(), "unknown control command");
}

TEST_F(ControlServerTest, RepliesWaitWhileTheNodeHoldsAndFramesAreCountedInTheStatus) {
  ControlClient launcher = client(launcher_key_);
  v1::ControlRequest status;
  status.set_request_id(1);
  status.mutable_status();
  node_.hold = true;
  launcher.send(status);
  handle_next();
  node_.hold = false;
  server_.count_frame("unit.north", 1);
  status.set_request_id(2);
  launcher.send(status);
  handle_next();
  const auto unheld = launcher.await_reply();
  ASSERT_TRUE(unheld);
  EXPECT_EQ(unheld->request_id(), 2u);  // The first is still held.
  ASSERT_EQ(unheld->status().frames_received_size(), 1);
  EXPECT_EQ(unheld->status().frames_received(0).peer(), "unit.north");
  EXPECT_EQ(unheld->status().frames_received(0).frames(), 1u);
  server_.release_held();
  const auto held = launcher.await_reply();
  ASSERT_TRUE(held);
  EXPECT_EQ(held->request_id(), 1u);
}

TEST_F(ControlServerTest, AStopEndsTheLoop) {
  ControlClient launcher = client(launcher_key_);
  v1::ControlRequest stop;
  stop.mutable_stop();
  launcher.send(stop);
  EXPECT_FALSE(server_.stopped());
  handle_next();
  EXPECT_TRUE(server_.stopped());
  EXPECT_EQ(node_.stops, 1);
  ASSERT_TRUE(launcher.await_reply());
}

TEST_F(ControlServerTest, TheLaunchersChannelIsTheLaunchersAndItsCloseStopsTheNode) {
  auto [launcher, node_end] = ControlChannel::make_pair();
  ControlServer server("agency.uk", control_, node_, quiet_log(), std::move(node_end));
  v1::ControlRequest start;
  start.set_request_id(5);
  start.mutable_start()->set_end_h(10);
  ASSERT_TRUE(launcher.send(start.SerializeAsString()));
  server.handle_channel();
  EXPECT_EQ(node_.starts, std::vector<std::string>{kLauncherMember});
  std::string packet;
  ASSERT_EQ(launcher.receive(&packet), ControlChannel::Received::kPacket);
  v1::ControlReply reply;
  ASSERT_TRUE(reply.ParseFromString(packet));
  EXPECT_EQ(reply.request_id(), 5u);
  EXPECT_TRUE(reply.ok());

  launcher.send("\xff\xff");
  server.handle_channel();
  ASSERT_EQ(launcher.receive(&packet), ControlChannel::Received::kPacket);
  ASSERT_TRUE(reply.ParseFromString(packet));
  EXPECT_EQ(reply.error(), "malformed control request");

  const int durable_before = node_.durable;
  launcher.close();
  server.handle_channel();
  EXPECT_TRUE(server.stopped());
  EXPECT_TRUE(server.launcher_gone());
  EXPECT_EQ(node_.durable, durable_before + 1);
  EXPECT_EQ(node_.stops, 0);  // Not a stop: nothing is traced.
  EXPECT_EQ(server.channel_fd(), -1);
}

}  // namespace
}  // namespace tearline
