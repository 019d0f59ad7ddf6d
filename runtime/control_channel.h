// The launcher's control channel to one node on its own host: an AF_UNIX
// SOCK_SEQPACKET socketpair made before the node is spawned, whose node end
// the child alone inherits (a capability, not a name: no other process can
// reach it, so it needs neither CURVE nor a ZAP check, and no ZeroMQ I/O
// thread stands between the two processes). It carries the launcher's
// requests (pings, starts, grants, stops, PeerGone) and the node's replies,
// one packet each (proto/PROTOCOL.md, "Control"); operators keep the node's
// CURVE control socket. Packets are still checked: sizes bounded, parse
// failures answered. Sends never block.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace tearline {

// The largest packet either end sends or takes (a request, or a reply with
// its status); larger ones are refused whole.
inline constexpr size_t kControlPacketBytesMax = 1024 * 1024;

class ControlChannel {
 public:
  // A connected pair: (the launcher's end, close-on-exec; the node's end,
  // which a child keeps across exec). Throws std::runtime_error.
  static std::pair<ControlChannel, ControlChannel> make_pair();
  // Adopts descriptor `fd`, inherited at spawn (close-on-exec from now);
  // false with `*error` unless it is a SEQPACKET socket.
  static bool adopt(int fd, ControlChannel* channel, std::string* error);

  ControlChannel() = default;
  ~ControlChannel() { close(); }
  ControlChannel(ControlChannel&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ControlChannel& operator=(ControlChannel&& other) noexcept;
  ControlChannel(const ControlChannel&) = delete;
  ControlChannel& operator=(const ControlChannel&) = delete;

  bool open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close();

  // Queues `packet` whole; false if it cannot now (too big, the other end's
  // queue full or closed).
  bool send(std::string_view packet) const;

  enum class Received { kPacket, kNone, kOversized, kClosed };
  // Takes one packet, if one waits, into `*packet`. kOversized: one longer
  // than kControlPacketBytesMax was taken and dropped. kClosed: the other
  // end is gone (an empty packet, which neither end sends, reads the same).
  Received receive(std::string* packet) const;

 private:
  explicit ControlChannel(int fd) : fd_(fd) {}

  int fd_ = -1;
};

}  // namespace tearline
