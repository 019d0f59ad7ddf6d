// A node process (agency.aa of scenarios/small.toml) on real CURVE ipc
// sockets, its loop turned by the test: its life by the launcher's
// commands, the operator's faults, and its sockets' limits.
#include "runtime/node_process.h"

#include <gtest/gtest.h>

#include "node/intake/frame_check.h"
#include "runtime/runtime_test_support.h"

namespace tearline {
namespace {

using testing::ControlClient;

class NodeProcessTest : public ::testing::Test {
 protected:
  NodeProcessTest() : run_("scenarios/small.toml") {
    options_.name = "agency.aa";
    options_.mode = "coordinated";
    options_.scenario_path = "scenarios/small.toml";
    options_.seed = 7;
    options_.socket_dir = run_.socket_dir();
    options_.keys_dir = run_.keys_dir().string();
    options_.trace_path = (run_.dir.path() / "agency.aa.trace.jsonl").string();
    options_.log_path = (run_.dir.path() / "agency.aa.log").string();
    process_.emplace(options_, "agency", run_.scenario, testing::quiet_log(), run_.key("agency.aa"),
                     run_.public_keys, run_.endpoints());
  }

  ControlClient client(const std::string& member) {
    return ControlClient(context_, run_.key(member), run_.public_keys.of("agency.aa"),
                         run_.endpoints().of("agency.aa").control);
  }
  // Sends `request` as `client` and turns the loop until the reply comes.
  v1::ControlReply ask(ControlClient& client, const v1::ControlRequest& request) {
    client.send(request);
    const auto reply = client.await_reply([&] { process_->step(std::chrono::milliseconds(10)); });
    EXPECT_TRUE(reply) << "no reply to request " << request.request_id();
    return reply.value_or(v1::ControlReply());
  }
  v1::ControlRequest start() const {
    v1::ControlRequest request;
    request.set_request_id(1);
    request.mutable_start()->set_begin_h(0);
    request.mutable_start()->set_end_h(run_.scenario.duration_h);
    request.mutable_start()->set_incarnation(1);
    return request;
  }
  static v1::ControlRequest grant(uint64_t round, double until_h) {
    v1::ControlRequest request;
    request.set_request_id(100 + round);
    request.mutable_grant()->set_round(round);
    request.mutable_grant()->set_until_h(until_h);
    return request;
  }

  testing::RunFolder run_;
  NodeOptions options_;
  zmq::context_t context_;
  std::optional<NodeProcess> process_;
};

TEST_F(NodeProcessTest, StartsRunsGrantedWindowsAndStops) {
  ControlClient launcher = client(kLauncherMember);
  const v1::ControlReply early = ask(launcher, grant(1, 1));
  EXPECT_FALSE(early.ok());
  EXPECT_EQ(early.error(), "the node has not started");

  const v1::ControlReply started = ask(launcher, start());
  EXPECT_TRUE(started.ok()) << started.error();
  EXPECT_EQ(started.node(), "agency.aa");
  EXPECT_EQ(ask(launcher, start()).error(), "already started");

  const v1::ControlReply window = ask(launcher, grant(1, 1.5));
  EXPECT_TRUE(window.ok()) << window.error();
  EXPECT_EQ(window.request_id(), 101u);
  EXPECT_EQ(window.round_report().round(), 1u);
  EXPECT_EQ(window.round_report().reached_h(), 1.5);

  v1::ControlRequest stop;
  stop.set_request_id(2);
  stop.mutable_stop();
  EXPECT_FALSE(process_->stopped());
  EXPECT_TRUE(ask(launcher, stop).ok());
  EXPECT_TRUE(process_->stopped());
  process_.reset();
  const std::string trace = testing::read_file(options_.trace_path);
  EXPECT_NE(trace.find("\"node_started\""), std::string::npos);
  EXPECT_NE(trace.find("\"node_stopped\""), std::string::npos);
}

TEST_F(NodeProcessTest, OverTheLaunchersChannelItRunsGrantsAndEndsWhenTheLauncherIsGone) {
  auto [launcher, node_end] = ControlChannel::make_pair();
  process_.reset();  // Its sockets' endpoints are the next one's.
  process_.emplace(options_, "agency", run_.scenario, testing::quiet_log(), run_.key("agency.aa"),
                   run_.public_keys, run_.endpoints(), std::move(node_end));
  // Each request is in the channel before the loop turns: one turn answers.
  const auto ask_over_channel = [&](const v1::ControlRequest& request) {
    EXPECT_TRUE(launcher.send(request.SerializeAsString()));
    process_->step(std::chrono::milliseconds(1000));
    std::string packet;
    v1::ControlReply reply;
    EXPECT_EQ(launcher.receive(&packet), ControlChannel::Received::kPacket);
    EXPECT_TRUE(reply.ParseFromString(packet));
    return reply;
  };
  EXPECT_TRUE(ask_over_channel(start()).ok());
  const v1::ControlReply window = ask_over_channel(grant(1, 1.5));
  EXPECT_TRUE(window.ok()) << window.error();
  EXPECT_EQ(window.round_report().reached_h(), 1.5);

  launcher.close();  // The launcher died.
  process_->step(std::chrono::milliseconds(1000));
  EXPECT_TRUE(process_->stopped());
  EXPECT_EQ(process_->run(), 1);
  // What it did is in its trace; it did not stop as told.
  process_.reset();
  const std::string trace = testing::read_file(options_.trace_path);
  EXPECT_NE(trace.find("\"node_started\""), std::string::npos);
  EXPECT_EQ(trace.find("\"node_stopped\""), std::string::npos);
}

TEST_F(NodeProcessTest, TheOperatorPausesButNeverStartsTheNode) {
  ControlClient launcher = client(kLauncherMember);
  ControlClient operator_client = client(kOperatorMember);
  const v1::ControlReply refused = ask(operator_client, start());
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "only the launcher may start");
  ASSERT_TRUE(ask(launcher, start()).ok());

  v1::ControlRequest pause;
  pause.set_request_id(3);
  pause.mutable_pause();
  const v1::ControlReply paused = ask(operator_client, pause);
  EXPECT_TRUE(paused.ok()) << paused.error();
  EXPECT_TRUE(paused.status().paused());
  EXPECT_GT(paused.status().peak_rss_kib(), 0u);
}

TEST_F(NodeProcessTest, AnUnreadableFrameOfAPeerIsTracedNotCounted) {
  ControlClient launcher = client(kLauncherMember);
  ASSERT_TRUE(ask(launcher, start()).ok());
  zmq::socket_t peer(context_, zmq::socket_type::push);
  make_curve_client(peer, run_.key("agency.bb"), run_.public_keys.of("agency.aa"));
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(run_.endpoints().of("agency.aa").data);
  peer.send(zmq::str_buffer("not a frame"), zmq::send_flags::none);
  v1::ControlRequest status;
  status.set_request_id(4);
  status.mutable_status();
  // The frame comes on another socket than the requests: ask until the
  // node has seen it.
  v1::ControlReply reply;
  for (int turn = 0; turn < 500 && !reply.status().events_by_kind().contains("rejected"); ++turn) {
    reply = ask(launcher, status);
  }
  ASSERT_TRUE(reply.status().events_by_kind().contains("rejected"));
  EXPECT_EQ(reply.status().events_by_kind().at("rejected"), 1u);
  EXPECT_EQ(reply.status().frames_received_size(), 0);
  const std::string trace = testing::read_file(options_.trace_path);
  EXPECT_NE(trace.find("rejected:unreadable"), std::string::npos);
  EXPECT_NE(trace.find("agency.bb"), std::string::npos);
}

TEST_F(NodeProcessTest, SocketsHaveTheirLimits) {
  NodeSockets sockets(run_.scenario, "agency.bb", "agency.bb", run_.key("agency.bb"),
                      run_.public_keys, run_.endpoints(), testing::quiet_log());
  EXPECT_EQ(sockets.control().get(zmq::sockopt::linger), kControlLingerMs);
  EXPECT_EQ(sockets.control().get(zmq::sockopt::maxmsgsize),
            static_cast<int64_t>(kControlRequestBytesMax));
  EXPECT_EQ(sockets.data().get(zmq::sockopt::linger), 0);
  EXPECT_EQ(sockets.data().get(zmq::sockopt::rcvhwm), kHighWaterMarkMsgs);
  EXPECT_EQ(sockets.data().get(zmq::sockopt::maxmsgsize), static_cast<int64_t>(kDataFrameBytesMax));
  zmq::socket_t push = sockets.connect_push("agency.aa", "agency.aa");
  EXPECT_EQ(push.get(zmq::sockopt::sndhwm), kHighWaterMarkMsgs);
  EXPECT_EQ(push.get(zmq::sockopt::linger), 0);
  push.close();
  sockets.close();
}

TEST(ZapPolicyTest, DataFromPeersAndTheOtherMemberControlFromLauncherAndOperator) {
  const Scenario scenario = load_scenario(std::string(TEARLINE_SOURCE_DIR) +
                                          "/scenarios/manchester-2017-centre-down.toml");
  const ZapPolicy unit = zap_policy(scenario, "agency.uk");
  EXPECT_FALSE(unit.at(kDataDomain).contains("agency.uk"));
  EXPECT_TRUE(unit.at(kDataDomain).contains("broker"));
  EXPECT_EQ(unit.at(kControlDomain), (std::set<std::string>{kLauncherMember, kOperatorMember}));
  // The centre's two members hold its key: its data socket admits it.
  EXPECT_TRUE(zap_policy(scenario, "broker").at(kDataDomain).contains("broker"));
  EXPECT_EQ(other_member_of(scenario, "broker", "broker"), "broker.b");
  EXPECT_EQ(other_member_of(scenario, "broker", "broker.b"), "broker");
  EXPECT_EQ(other_member_of(scenario, "agency.uk", "agency.uk"), "");
}

}  // namespace
}  // namespace tearline
