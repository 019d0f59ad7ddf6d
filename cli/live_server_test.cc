#include "cli/live_server.h"

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
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analysis/report/report.h"

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

// The first state /events sends that `wanted` accepts, or null if none
// came within `timeout`.
json await_state(int port, const std::function<bool(const json&)>& wanted,
                 std::chrono::seconds timeout) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(timeout);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string buffer;
  json found;
  client.Get("/events", [&](const char* data, size_t length) {
    buffer.append(data, length);
    for (size_t end; (end = buffer.find("\n\n")) != std::string::npos; buffer.erase(0, end + 2)) {
      if (buffer.rfind("data: ", 0) != 0) continue;
      const json state = json::parse(buffer.substr(6, end - 6));
      if (wanted(state)) {
        found = state;
        return false;
      }
    }
    return std::chrono::steady_clock::now() < deadline;
  });
  return found;
}

// A handoff's numbers as its map entry shows them.
struct MapEntry {
  uint64_t in = 0, out = 0, lost = 0, in_flight = 0;
  bool operator==(const MapEntry&) const = default;
};

std::string unescape(std::string text) {
  for (const auto& [entity, character] : std::vector<std::pair<std::string, std::string>>{
           {"&gt;", ">"}, {"&lt;", "<"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (size_t at; (at = text.find(entity)) != std::string::npos;) {
      text.replace(at, entity.size(), character);
    }
  }
  return text;
}

// Each handoff of a map (handoff_map.h: a group per handoff, its numbers in
// tspans of class in, out, lost, in-flight), by name.
std::map<std::string, MapEntry> map_entries(const std::string& svg) {
  static const std::regex kGroup(
      R"re(<g class="handoff[^"]*" data-handoff="([^"]*)">([^]*?)</g>)re");
  static const std::regex kNumber(
      R"re(<tspan class="(in|out|lost|in-flight)">([0-9,]+)</tspan>)re");
  std::map<std::string, MapEntry> entries;
  for (std::sregex_iterator group(svg.begin(), svg.end(), kGroup), end; group != end; ++group) {
    MapEntry& entry = entries[unescape((*group)[1])];
    const std::string body = (*group)[2];
    for (std::sregex_iterator number(body.begin(), body.end(), kNumber); number != end; ++number) {
      std::string digits = (*number)[2];
      std::erase(digits, ',');
      const uint64_t value = std::stoull(digits);
      const std::string column = (*number)[1];
      (column == "in"     ? entry.in
       : column == "out"  ? entry.out
       : column == "lost" ? entry.lost
                          : entry.in_flight) += value;
    }
  }
  return entries;
}

// The report's numbers of every handoff, as its map should show them.
std::map<std::string, MapEntry> report_entries(const v1::ModeReport& mode) {
  std::map<std::string, MapEntry> entries;
  for (const v1::Handoff& handoff : mode.handoffs()) {
    entries[handoff.name()] = {handoff.in(), handoff.out(), handoff.lost_total(),
                               handoff.in_flight()};
  }
  return entries;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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
  // A mode just started has its figures' every field, before any is read
  // (the page reads them all).
  server.mode_started("bilateral");
  const json started = state_of(port_of(server))["modes"][0];
  EXPECT_EQ(started["state"], "running");
  for (const char* field : {"handoffs", "plots"}) EXPECT_TRUE(started[field].is_array()) << field;
  for (const char* field : {"now_h", "events", "malformed_lines"}) {
    EXPECT_TRUE(started[field].is_number()) << field;
  }
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
  EXPECT_EQ(open, LiveServer::kStreamsMax);
  EXPECT_EQ(refused, kStreams - LiveServer::kStreamsMax);
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

// The run's traces written a share at a time: the page's map of the running
// mode appears, and a link's messages in grow with the traces.
TEST(LiveServerTest, TheMapAppearsAndGrowsWhileTheModeRuns) {
  const fs::path recorded = copy_of_recorded_run("growing_source");
  const fs::path run_dir = copy_of_recorded_run("growing");
  const fs::path mode_dir = run_dir / "bilateral";
  const auto grow = [&](size_t step, size_t steps) {
    for (const auto& file : fs::directory_iterator(recorded / "bilateral")) {
      const std::string text = read_all(file.path());
      std::ofstream(mode_dir / file.path().filename(), std::ios::binary | std::ios::trunc)
          << std::string_view(text).substr(0, text.size() * step / steps);
    }
  };
  grow(1, 2);
  LiveServer server(options_for(run_dir));
  const int port = port_of(server);
  server.mode_started("bilateral");
  const auto link_in = [](const json& state) -> std::optional<uint64_t> {
    const json& mode = state["modes"][0];
    if (!mode["map"].is_string()) return std::nullopt;
    const auto entries = map_entries(mode["map"].get<std::string>());
    const auto link = entries.find("agency.bb->agency.aa");
    if (link == entries.end()) return std::nullopt;
    return link->second.in;
  };
  const json half = await_state(
      port, [&](const json& state) { return link_in(state).value_or(0) > 0; },
      std::chrono::seconds(10));
  ASSERT_TRUE(half.is_object()) << "no map with agency.bb->agency.aa on the page";
  EXPECT_EQ(half["modes"][0]["state"], "running");
  EXPECT_EQ(half["modes"][1]["map"], nullptr) << "a mode waiting has no map yet";
  const uint64_t half_in = *link_in(half);
  grow(2, 2);
  const json whole = await_state(
      port, [&](const json& state) { return link_in(state).value_or(0) > half_in; },
      std::chrono::seconds(10));
  ASSERT_TRUE(whole.is_object()) << "the map did not grow past " << half_in;
  std::printf("agency.bb->agency.aa in on the live map: %llu, then %llu\n",
              static_cast<unsigned long long>(half_in),
              static_cast<unsigned long long>(*link_in(whole)));
  server.finish("stopped.", nullptr);
  fs::remove_all(run_dir);
  fs::remove_all(recorded);
}

TEST(LiveServerTest, AnOpenStreamGetsTheReportsFiguresBeforeTheServerStops) {
  const fs::path run_dir = copy_of_recorded_run("stream");
  LiveServer server(options_for(run_dir));
  const int port = port_of(server);
  server.mode_started("bilateral");
  // The watcher reads the traces within its interval; the state says so.
  const json state = await_state(
      port, [](const json& seen) { return seen["modes"][0].value("events", 0) > 0; },
      std::chrono::seconds(10));
  ASSERT_TRUE(state.is_object()) << "the traces were not read";
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
  std::vector<std::string> warnings;
  const v1::RunReport report = build_report(run_dir.string(), &warnings);
  // Waits for the open stream to take the final frame.
  server.finish("completed, every message accounted for.", &report);
  reader.join();
  ASSERT_FALSE(last_frame.empty());
  const json final_state = json::parse(last_frame);
  EXPECT_EQ(final_state["finished"], true);
  EXPECT_EQ(final_state["outcome"], "completed, every message accounted for.");
  for (size_t i = 0; i < 2; ++i) {
    const json& mode = final_state["modes"][i];
    const std::string name = mode["mode"];
    EXPECT_EQ(mode["state"], "done");
    const v1::ModeReport& expected = report.modes().at(name);
    ASSERT_TRUE(mode["map"].is_string()) << name;
    const std::map<std::string, MapEntry> entries = map_entries(mode["map"].get<std::string>());
    EXPECT_EQ(entries.size(), static_cast<size_t>(expected.handoffs_size())) << name;
    EXPECT_TRUE(entries == report_entries(expected))
        << name << ": the final map's in, out, lost and in flight are not the report's";
    ASSERT_EQ(mode["handoffs"].size(), static_cast<size_t>(expected.handoffs_size())) << name;
    for (int row = 0; row < expected.handoffs_size(); ++row) {
      const json& shown = mode["handoffs"][row];
      const v1::Handoff& want = expected.handoffs(row);
      EXPECT_EQ(shown["name"], want.name());
      EXPECT_EQ(shown["in"], want.in()) << want.name();
      EXPECT_EQ(shown["out"], want.out()) << want.name();
      EXPECT_EQ(shown["lost_total"], want.lost_total()) << want.name();
      EXPECT_EQ(shown["in_flight"], want.in_flight()) << want.name();
    }
  }
  fs::remove_all(run_dir);
}

}  // namespace
}  // namespace tearline
