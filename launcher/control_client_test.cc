// The control client's wait for replies, on a fake clock: its deadline is
// kept in fake time, and a node known dead is not waited for.
#include "launcher/control_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "base/clock.h"
#include "scenario/endpoints.h"
#include "security/keys.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

// A client for one node, agency.aa, at an endpoint nobody serves.
class ControlClientTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_); }
  void TearDown() override { fs::remove_all(dir_); }

  ControlClient client() {
    return ControlClient(
        context_, {"agency.aa"}, Endpoints::in_folder(dir_.string(), {"agency.aa"}),
        generate_member_key("launcher"),
        PublicKeys({{"agency.aa", generate_member_key("agency.aa").curve_public_z85}}), clock_);
  }
  static v1::ControlRequest ping() {
    v1::ControlRequest request;
    request.mutable_ping();
    return request;
  }

  fs::path dir_ =
      fs::temp_directory_path() / ("tearline-control-client-" + std::to_string(getpid()));
  zmq::context_t context_;
  FakeClock clock_;
};

TEST_F(ControlClientTest, ABroadcastNobodyAnswersEndsAtItsDeadlineInFakeTime) {
  ControlClient control = client();
  int steps = 0;
  const auto replies = control.broadcast(ping(), {"agency.aa"}, std::chrono::seconds(3), [&] {
    ++steps;
    clock_.advance(std::chrono::seconds(1));  // Each poll step takes a fake second.
    return std::set<std::string>{};
  });
  EXPECT_TRUE(replies.empty());
  EXPECT_EQ(steps, 3);
  EXPECT_EQ(clock_.now() - WallClock::Time{}, std::chrono::seconds(3));
}

TEST_F(ControlClientTest, ANodeKnownDeadIsNotWaitedFor) {
  ControlClient control = client();
  int steps = 0;
  const auto replies = control.broadcast(ping(), {"agency.aa"}, std::chrono::seconds(3), [&] {
    ++steps;
    return std::set<std::string>{"agency.aa"};
  });
  EXPECT_TRUE(replies.empty());
  EXPECT_EQ(steps, 1);
  EXPECT_EQ(clock_.now(), WallClock::Time{});
}

}  // namespace
}  // namespace tearline
