// The launcher's control channel: whole packets both ways, bounded sizes,
// and a closed end seen as such.
#include "runtime/control_channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tearline {
namespace {

TEST(ControlChannelTest, PacketsArriveWholeAndInOrderBothWays) {
  auto [launcher, node] = ControlChannel::make_pair();
  ASSERT_TRUE(launcher.send("grant 1"));
  ASSERT_TRUE(launcher.send("grant 2"));
  ASSERT_TRUE(node.send(std::string(100'000, 'r')));
  std::string packet;
  ASSERT_EQ(node.receive(&packet), ControlChannel::Received::kPacket);
  EXPECT_EQ(packet, "grant 1");
  ASSERT_EQ(node.receive(&packet), ControlChannel::Received::kPacket);
  EXPECT_EQ(packet, "grant 2");
  EXPECT_EQ(node.receive(&packet), ControlChannel::Received::kNone);
  ASSERT_EQ(launcher.receive(&packet), ControlChannel::Received::kPacket);
  EXPECT_EQ(packet, std::string(100'000, 'r'));
}

TEST(ControlChannelTest, APacketOverTheBoundIsNeitherSentNorTaken) {
  auto [launcher, node] = ControlChannel::make_pair();
  EXPECT_FALSE(launcher.send(std::string(kControlPacketBytesMax + 1, 'x')));
  EXPECT_FALSE(launcher.send(""));  // Reads as a closed end: never sent.
  // One sent around the bound (a peer that ignores it) is dropped whole.
  const std::string oversized(kControlPacketBytesMax + 1, 'x');
  ASSERT_EQ(::send(launcher.fd(), oversized.data(), oversized.size(), 0),
            static_cast<ssize_t>(oversized.size()));
  ASSERT_TRUE(launcher.send("next"));
  std::string packet;
  EXPECT_EQ(node.receive(&packet), ControlChannel::Received::kOversized);
  ASSERT_EQ(node.receive(&packet), ControlChannel::Received::kPacket);
  EXPECT_EQ(packet, "next");
}

TEST(ControlChannelTest, AClosedEndReadsAsClosedAndTakesNothing) {
  auto [launcher, node] = ControlChannel::make_pair();
  ASSERT_TRUE(node.send("last reply"));
  node.close();
  std::string packet;
  // What was sent before the close still arrives.
  ASSERT_EQ(launcher.receive(&packet), ControlChannel::Received::kPacket);
  EXPECT_EQ(packet, "last reply");
  EXPECT_EQ(launcher.receive(&packet), ControlChannel::Received::kClosed);
  EXPECT_FALSE(launcher.send("grant"));
}

TEST(ControlChannelTest, OnlyASeqpacketSocketIsAdopted) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ControlChannel channel;
  std::string error;
  EXPECT_FALSE(ControlChannel::adopt(pipe_fds[0], &channel, &error));
  EXPECT_EQ(error, "--control-fd " + std::to_string(pipe_fds[0]) + " is not a SEQPACKET socket");
  EXPECT_FALSE(ControlChannel::adopt(-1, &channel, &error));
  close(pipe_fds[0]);
  close(pipe_fds[1]);

  auto [launcher, node] = ControlChannel::make_pair();
  const int node_fd = node.fd();
  ControlChannel adopted;
  ASSERT_TRUE(ControlChannel::adopt(dup(node_fd), &adopted, &error));
  ASSERT_TRUE(launcher.send("ping"));
  std::string packet;
  ASSERT_EQ(adopted.receive(&packet), ControlChannel::Received::kPacket);
  EXPECT_EQ(packet, "ping");
}

}  // namespace
}  // namespace tearline
