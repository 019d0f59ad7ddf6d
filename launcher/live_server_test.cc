#include "launcher/live_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace tearline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A copy of the recorded run, as a live run's folder.
fs::path copy_of_recorded_run(const std::string& name) {
  const fs::path dir = fs::path(testing::TempDir()) /
                       ("tearline_live_server_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::copy(fs::path(TEARLINE_SOURCE_DIR) / "tests/data/recorded-run", dir,
           fs::copy_options::recursive);
  return dir;
}

LiveServerOptions options_for(const fs::path& run_dir) {
  return {run_dir, {"bilateral", "coordinated"}, "small", 1, 0};
}

int port_of(const LiveServer& server) {
  const std::string url = server.url();  // http://127.0.0.1:PORT/
  return std::stoi(url.substr(url.rfind(':') + 1));
}

json state_of(int port) {
  httplib::Client client("127.0.0.1", port);
  const httplib::Result result = client.Get("/state");
  if (!result || result->status != 200) return nullptr;
  return json::parse(result->body);
}

TEST(LiveServerTest, ServesThePageAndStateOnLoopbackOnly) {
  const fs::path run_dir = copy_of_recorded_run("page");
  LiveServer server(options_for(run_dir));
  EXPECT_EQ(server.url().rfind("http://127.0.0.1:", 0), 0u) << server.url();
  httplib::Client client("127.0.0.1", port_of(server));
  const httplib::Result page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("new EventSource(\"/events\")"), std::string::npos);
  const json state = state_of(port_of(server));
  ASSERT_TRUE(state.is_object());
  EXPECT_EQ(state["modes"][0]["state"], "waiting");
  EXPECT_EQ(state["finished"], false);
  // A page of another origin that reaches 127.0.0.1 by a rebound name.
  const httplib::Result rebound = client.Get("/state", {{"Host", "attacker.example:80"}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
  fs::remove_all(run_dir);
}

TEST(LiveServerTest, APortInUseIsAClearError) {
  const fs::path run_dir = copy_of_recorded_run("port");
  LiveServer first(options_for(run_dir));
  LiveServerOptions options = options_for(run_dir);
  options.port = static_cast<uint16_t>(port_of(first));
  try {
    LiveServer second(options);
    FAIL() << "two servers on one port";
  } catch (const LiveServerError& error) {
    EXPECT_NE(std::string(error.what()).find(std::to_string(options.port)), std::string::npos)
        << error.what();
  }
  fs::remove_all(run_dir);
}

// A raw loopback connection, closed when it goes.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        fd_ >= 0 && connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send_text(const std::string& text) {
    return connected_ &&
           send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // The response's status line ("HTTP/1.1 200 OK"), or "" if none came
  // within `timeout`.
  std::string status_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string received;
    while (received.find("\r\n") == std::string::npos && received.size() < 256) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&readable, 1, static_cast<int>(left.count())) != 1) break;
      char byte;
      if (recv(fd_, &byte, 1, 0) != 1) break;
      received += byte;
    }
    const size_t end = received.find("\r\n");
    return end == std::string::npos ? "" : received.substr(0, end);
  }

 private:
  int fd_;
  bool connected_ = false;
};

TEST(LiveServerTest, StateAnswersWhileStreamsAndStalledConnectionsHoldOn) {
  const fs::path run_dir = copy_of_recorded_run("flood");
  LiveServer server(options_for(run_dir));
  const int port = port_of(server);
  const std::string events_request =
      fmt::format("GET /events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", port);
  constexpr int kStreams = 40;
  constexpr int kStalled = 40;
  std::vector<std::unique_ptr<RawConnection>> streams;
  int open = 0;
  int refused = 0;
  for (int i = 0; i < kStreams; ++i) {
    auto& stream = streams.emplace_back(std::make_unique<RawConnection>(port));
    ASSERT_TRUE(stream->send_text(events_request));
    // Read as far as the status line, then never again.
    const std::string status = stream->status_line(std::chrono::seconds(2));
    open += status == "HTTP/1.1 200 OK";
    refused += status == "HTTP/1.1 503 Service Unavailable";
  }
  EXPECT_EQ(open, LiveServer::kMaxStreams);
  EXPECT_EQ(refused, kStreams - LiveServer::kMaxStreams);
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < kStalled; ++i) {
    ASSERT_TRUE(stalled.emplace_back(std::make_unique<RawConnection>(port))->send_text("GET /sta"));
  }
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  const auto start = std::chrono::steady_clock::now();
  const httplib::Result state = client.Get("/state");
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  std::printf("GET /state with %d streams and %d stalled connections open: %lld ms\n", kStreams,
              kStalled, static_cast<long long>(took_ms));
  ASSERT_TRUE(state) << httplib::to_string(state.error());
  EXPECT_EQ(state->status, 200);
  EXPECT_LT(took_ms, 1000);
  fs::remove_all(run_dir);
}

TEST(LiveServerTest, AnOpenStreamGetsTheFinalFiguresBeforeTheServerStops) {
  const fs::path run_dir = copy_of_recorded_run("stream");
  LiveServer server(options_for(run_dir));
  const int port = port_of(server);
  server.mode_started("bilateral");
  // The watcher reads the traces within its interval; the state says so.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  json state;
  do {
    state = state_of(port);
    if (state.is_object() && state["modes"][0]["events"].get<int>() > 0) break;
    std::this_thread::sleep_for(LiveServer::kTailInterval);
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_GT(state["modes"][0]["events"].get<int>(), 0);
  EXPECT_EQ(state["modes"][0]["state"], "running");

  std::string last_frame;
  std::promise<void> first_frame;  // The stream is open: finish() must wait for it.
  std::thread reader([port, &last_frame, &first_frame] {
    httplib::Client client("127.0.0.1", port);
    std::string buffer;
    bool opened = false;
    client.Get("/events", [&](const char* data, size_t length) {
      buffer.append(data, length);
      for (size_t end; (end = buffer.find("\n\n")) != std::string::npos; buffer.erase(0, end + 2)) {
        if (buffer.rfind("data: ", 0) == 0) last_frame = buffer.substr(6, end - 6);
      }
      if (!opened && !last_frame.empty()) first_frame.set_value();
      opened = opened || !last_frame.empty();
      return true;
    });
  });
  EXPECT_EQ(first_frame.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "no frame on /events";
  server.mode_finished("bilateral");
  server.mode_started("coordinated");
  server.mode_finished("coordinated");
  // Waits for the open stream to take the final frame.
  server.finish("completed, every message accounted for.");
  reader.join();
  ASSERT_FALSE(last_frame.empty());
  const json final_state = json::parse(last_frame);
  EXPECT_EQ(final_state["finished"], true);
  EXPECT_EQ(final_state["outcome"], "completed, every message accounted for.");
  std::vector<std::string> warnings;
  for (size_t i = 0; i < 2; ++i) {
    const json& mode = final_state["modes"][i];
    EXPECT_EQ(mode["state"], "done");
    const json expected = live::final_tally(run_dir / mode["mode"].get<std::string>(), &warnings)
                              .snapshot()["handoffs"];
    EXPECT_EQ(mode["handoffs"], expected) << mode["mode"];
  }
  fs::remove_all(run_dir);
}

}  // namespace
}  // namespace tearline
