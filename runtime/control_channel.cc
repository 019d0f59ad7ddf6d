#include "runtime/control_channel.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tearline {
namespace {

// Room for a whole packet of the largest size in the sender's buffer (the
// kernel refuses a SEQPACKET larger than the sending socket's buffer).
constexpr int kSocketBufferBytes = 2 * static_cast<int>(kControlPacketBytesMax);

void size_buffers(int fd) {
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
}

}  // namespace

std::pair<ControlChannel, ControlChannel> ControlChannel::make_pair() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) {
    throw std::runtime_error(std::string("cannot make a control channel: ") + std::strerror(errno));
  }
  size_buffers(fds[0]);
  size_buffers(fds[1]);
  return {ControlChannel(fds[0]), ControlChannel(fds[1])};
}

bool ControlChannel::adopt(int fd, ControlChannel* channel, std::string* error) {
  int type = 0;
  socklen_t length = sizeof type;
  if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 ||
      type != SOCK_SEQPACKET) {
    *error = "--control-fd " + std::to_string(fd) + " is not a SEQPACKET socket";
    return false;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  *channel = ControlChannel(fd);
  return true;
}

ControlChannel& ControlChannel::operator=(ControlChannel&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void ControlChannel::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool ControlChannel::send(std::string_view packet) const {
  if (fd_ < 0 || packet.empty() || packet.size() > kControlPacketBytesMax) return false;
  ssize_t sent = -1;
  do {
    sent = ::send(fd_, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(packet.size());
}

ControlChannel::Received ControlChannel::receive(std::string* packet) const {
  if (fd_ < 0) return Received::kClosed;
  // The waiting packet's whole length first (MSG_TRUNC), so that no end
  // keeps a buffer of the largest size.
  ssize_t length = -1;
  do {
    length = ::recv(fd_, nullptr, 0, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
  } while (length < 0 && errno == EINTR);
  if (length < 0) {
    return errno == EAGAIN || errno == EWOULDBLOCK ? Received::kNone : Received::kClosed;
  }
  if (length == 0) return Received::kClosed;
  const bool oversized = static_cast<size_t>(length) > kControlPacketBytesMax;
  packet->resize(oversized ? 0 : static_cast<size_t>(length));
  // Takes the packet (a longer one is cut, and so dropped whole).
  const ssize_t taken = ::recv(fd_, packet->data(), packet->size(), MSG_DONTWAIT);
  if (oversized) return Received::kOversized;
  return taken == length ? Received::kPacket : Received::kClosed;
}

}  // namespace tearline
