// What the node runtime's tests share: a short temporary folder for ipc
// endpoints and keys, a run's key set for a scenario, and a control client
// that speaks as the launcher or the operator. Every wait is a bounded poll
// for the awaited message, never a sleep.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <zmq.hpp>

#include "scenario/endpoints.h"
#include "scenario/scenario.h"
#include "security/curve.h"
#include "security/keys.h"
#include "tearline/v1/control.pb.h"

namespace tearline::testing {

// How long a test waits for a message that must come.
inline constexpr auto kAwaitMessage = std::chrono::seconds(10);

inline std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A fresh folder under /tmp (ipc paths must stay short), removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/tearline-runtime-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A scenario's run as a node process sees it: keys and ipc endpoints in a
// temporary folder.
struct RunFolder {
  explicit RunFolder(const std::string& scenario_file)
      : scenario(load_scenario(std::string(TEARLINE_SOURCE_DIR) + "/" + scenario_file)) {
    write_key_set(keys_dir(), scenario.node_names());
    public_keys = load_public_keys(public_keys_path(keys_dir()));
  }
  std::filesystem::path keys_dir() const { return dir.path() / "keys"; }
  std::string socket_dir() const { return (dir.path() / "sockets").string(); }
  MemberKey key(const std::string& member) const {
    return load_member_key(member_key_path(keys_dir(), member));
  }
  Endpoints endpoints() const {
    std::filesystem::create_directories(socket_dir());
    return Endpoints::in_folder(socket_dir(), scenario.process_names());
  }

  TempDir dir;
  Scenario scenario;
  PublicKeys public_keys;
};

// True once `socket` has a message to read, within kAwaitMessage.
inline bool await_message(zmq::socket_t& socket) {
  std::vector<zmq::pollitem_t> items = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::poll(items, std::chrono::duration_cast<std::chrono::milliseconds>(kAwaitMessage));
  return (items[0].revents & ZMQ_POLLIN) != 0;
}

// A DEALER on a node's control socket, as `member` (the launcher, the
// operator).
class ControlClient {
 public:
  ControlClient(zmq::context_t& context, const MemberKey& member, const std::string& server_z85,
                const std::string& endpoint)
      : socket_(context, zmq::socket_type::dealer) {
    make_curve_client(socket_, member, server_z85);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }

  void send(const v1::ControlRequest& request) {
    socket_.send(zmq::buffer(request.SerializeAsString()), zmq::send_flags::none);
  }
  void send_raw(const std::string& bytes, zmq::send_flags flags = zmq::send_flags::none) {
    socket_.send(zmq::buffer(bytes), flags);
  }
  // The next reply, once `turn` (the server's side of the loop) has brought
  // it; nullopt if none came within `turns` turns.
  std::optional<v1::ControlReply> await_reply(const std::function<void()>& turn, int turns = 1000) {
    for (int i = 0; i < turns; ++i) {
      turn();
      if (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN) return receive();
    }
    return std::nullopt;
  }
  // The next reply, waiting for it without turning the server.
  std::optional<v1::ControlReply> await_reply() {
    if (!await_message(socket_)) return std::nullopt;
    return receive();
  }
  zmq::socket_t& socket() { return socket_; }

 private:
  v1::ControlReply receive() {
    zmq::message_t message;
    EXPECT_TRUE(socket_.recv(message, zmq::recv_flags::none));
    v1::ControlReply reply;
    EXPECT_TRUE(reply.ParseFromArray(message.data(), static_cast<int>(message.size())));
    return reply;
  }

  zmq::socket_t socket_;
};

}  // namespace tearline::testing
