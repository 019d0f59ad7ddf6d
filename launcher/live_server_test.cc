#include "launcher/live_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

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
