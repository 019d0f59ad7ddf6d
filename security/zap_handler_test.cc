#include "security/zap_handler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <zmq_addon.hpp>

#include "security/curve.h"

namespace tearline {
namespace {

using namespace std::chrono_literals;

// A key set in memory: members a and b, and the server s.
struct Members {
  MemberKey a = generate_member_key("a");
  MemberKey b = generate_member_key("b");
  MemberKey s = generate_member_key("s");
  PublicKeys keys{
      {{"a", a.curve_public_z85}, {"b", b.curve_public_z85}, {"s", s.curve_public_z85}}};
};

class ZapHandlerTest : public ::testing::Test {
 protected:
  // Binds a CURVE PULL server of the data domain admitting member a only.
  void SetUp() override {
    zap_.emplace(context_, members_.keys, ZapPolicy{{kDataDomain, {"a"}}}, nullptr);
    make_curve_server(server_, members_.s, kDataDomain);
    server_.set(zmq::sockopt::linger, 0);
    // Not inproc://, which has no handshake and so no security.
    server_.bind("tcp://127.0.0.1:*");
    endpoint_ = server_.get(zmq::sockopt::last_endpoint);
  }
  void TearDown() override { server_.close(); }

  // Connects a PUSH client with `own` key, with a monitor of its handshake.
  zmq::socket_t client(const MemberKey& own) {
    zmq::socket_t socket(context_, zmq::socket_type::push);
    socket.set(zmq::sockopt::linger, 0);
    make_curve_client(socket, own, members_.s.curve_public_z85);
    const std::string endpoint = "inproc://monitor-" + std::to_string(++monitors_);
    zmq_socket_monitor(socket.handle(), endpoint.c_str(),
                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    monitor_.emplace(context_, zmq::socket_type::pair);
    monitor_->connect(endpoint);
    socket.connect(endpoint_);
    return socket;
  }

  // The client's first handshake event, waited for at most 5 s; 0 if none.
  int handshake_event() {
    std::vector<zmq::pollitem_t> items = {{monitor_->handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 5s);
    if (!(items[0].revents & ZMQ_POLLIN)) return 0;
    zmq::message_t event;
    zmq::message_t address;
    (void)monitor_->recv(event);
    (void)monitor_->recv(address);
    uint16_t id = 0;
    std::memcpy(&id, event.data(), sizeof id);
    return id;
  }

  zmq::context_t context_;
  Members members_;
  std::optional<ZapHandler> zap_;
  zmq::socket_t server_{context_, zmq::socket_type::pull};
  std::string endpoint_;
  std::optional<zmq::socket_t> monitor_;
  int monitors_ = 0;
};

TEST_F(ZapHandlerTest, AnAllowedMemberIsNamedByItsKey) {
  zmq::socket_t a = client(members_.a);
  ASSERT_EQ(handshake_event(), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  a.send(zmq::str_buffer("hello"), zmq::send_flags::none);
  zmq::message_t message;
  ASSERT_TRUE(server_.recv(message));
  EXPECT_EQ(authenticated_member(message), "a");
  EXPECT_EQ(zap_->refused(), 0u);
}

TEST_F(ZapHandlerTest, AMemberNotAllowedOnTheDomainIsRefused) {
  zmq::socket_t b = client(members_.b);
  EXPECT_EQ(handshake_event(), ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  EXPECT_EQ(zap_->refused(), 1u);
}

TEST_F(ZapHandlerTest, AStrangersKeyIsRefused) {
  zmq::socket_t stranger = client(generate_member_key("a"));  // Claims a's name.
  EXPECT_EQ(handshake_event(), ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  EXPECT_EQ(zap_->refused(), 1u);
}

TEST(Authorise, OnlyCurveWithAKnownKeyOnItsDomain) {
  const Members members;
  const ZapPolicy policy = {{kControlDomain, {"a"}}};
  uint8_t key[32];
  zmq_z85_decode(key, members.a.curve_public_z85.c_str());
  const std::string bytes(reinterpret_cast<const char*>(key), 32);
  EXPECT_EQ(authorise(policy, members.keys, kControlDomain, "CURVE", bytes), "a");
  EXPECT_EQ(authorise(policy, members.keys, kDataDomain, "CURVE", bytes), std::nullopt);
  EXPECT_EQ(authorise(policy, members.keys, kControlDomain, "PLAIN", bytes), std::nullopt);
  EXPECT_EQ(authorise(policy, members.keys, kControlDomain, "CURVE", bytes.substr(1)),
            std::nullopt);
}

}  // namespace
}  // namespace tearline
