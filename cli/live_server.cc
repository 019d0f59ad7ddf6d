#include "cli/live_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "cli/live_page.h"
#include "cli/live_server_threads.h"

namespace tearline {
namespace {

constexpr const char* kLoopback = "127.0.0.1";
// A page that has nothing new still hears from the server this often, so a
// stalled connection is noticed.
constexpr auto kKeepAlive = std::chrono::seconds(1);
// Any local user can reach the server, so what one connection may hold is
// bounded: it is served on its own thread (at most kConnectionsMax at once),
// it serves one request (a kept-alive idle connection would hold a thread),
// and it is dropped when its request does not come on for kReadTimeout_s,
// or a write of it waits kWriteTimeout_s.
constexpr size_t kConnectionsMax = 64;
constexpr time_t kReadTimeout_s = 2;
constexpr time_t kWriteTimeout_s = 5;
constexpr int kListenBacklog = static_cast<int>(kConnectionsMax);

}  // namespace

LiveServer::LiveServer(LiveServerOptions options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  for (const std::string& mode : options_.modes) {
    views_[mode];
    tallies_[mode];
  }
  // httplib's stop() does nothing before its listener runs, which it says
  // only by asking for its task queue: a server stopped sooner would listen
  // on forever. So the constructor returns once the listener runs.
  auto listening = std::make_shared<std::promise<void>>();
  std::future<void> listener_running = listening->get_future();
  server_->new_task_queue = [listening] {
    listening->set_value();  // Asked once, by the one listen below.
    return new ConnectionThreads(kConnectionsMax);
  };
  server_->set_keep_alive_max_count(1);
  server_->set_keep_alive_timeout(kReadTimeout_s);
  server_->set_read_timeout(kReadTimeout_s, 0);
  server_->set_write_timeout(kWriteTimeout_s, 0);
  bind_port();
  add_routes();
  {
    std::lock_guard lock(mutex_);
    publish_locked();
  }
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  listener_running.wait();
  watcher_ = std::thread([this] { watch(); });
}

void LiveServer::bind_port() {
  // httplib's default adds SO_REUSEPORT, which would let a second server
  // (another run's) share the port and take half the pages.
  // (The callback runs only here, in the binds below.)
  socket_t listening = INVALID_SOCKET;
  server_->set_socket_options([&listening](socket_t descriptor) {
    const int yes = 1;
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening = descriptor;
  });
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(kLoopback);
  } else if (server_->bind_to_port(kLoopback, options_.port)) {
    port_ = options_.port;
  }
  // httplib 0.11 listens with a backlog of 5: a burst of connections
  // overflows it, and the kernel drops the next one's SYN, which its client
  // sends again only a second later. Listening again widens the backlog.
  if (port_ > 0 && listen(listening, kListenBacklog) != 0) port_ = 0;
  if (port_ <= 0) {
    throw LiveServerError(fmt::format(
        "cannot serve the live view on {}:{} (in use? give --live another port, or 0 for any)",
        kLoopback, options_.port));
  }
}

void LiveServer::add_routes() {
  // Only pages this server served may read it: a name other than the
  // loopback address's (a rebound DNS name) is refused.
  const std::vector<std::string> hosts = {fmt::format("127.0.0.1:{}", port_),
                                          fmt::format("localhost:{}", port_)};
  server_->set_pre_routing_handler(
      [hosts](const httplib::Request& request, httplib::Response& response) {
        const std::string host = request.get_header_value("Host");
        if (std::find(hosts.begin(), hosts.end(), host) != hosts.end()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        response.status = 403;
        response.set_content("tearline live: only http://" + hosts.front() + "/\n", "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      });
  server_->Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_header("Cache-Control", "no-store");
    response.set_content(kLivePageHtml, "text/html; charset=utf-8");
  });
  server_->Get("/state", [this](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    response.set_header("Cache-Control", "no-store");
    response.set_content(snapshot_ + "\n", "application/json");
  });
  server_->Get("/events", [this](const httplib::Request&, httplib::Response& response) {
    response.set_header("Cache-Control", "no-store");
    auto stream = std::make_shared<Stream>();
    {
      std::lock_guard lock(mutex_);
      if (open_streams_ >= kStreamsMax) {
        response.status = 503;
        response.set_header("Retry-After", "1");
        response.set_content(
            fmt::format("tearline live: {} pages are watching already; try /state\n", kStreamsMax),
            "text/plain");
        return;
      }
      ++open_streams_;
    }
    // httplib copies responses, and runs a releaser per copy: the stream
    // ends its count itself, once, when it got the final figures, its
    // client went, or its connection ended before it began.
    response.set_chunked_content_provider(
        "text/event-stream",
        [this, stream](size_t, httplib::DataSink& sink) {
          std::unique_lock lock(mutex_);
          changed_.wait_for(lock, kKeepAlive,
                            [&] { return version_ != stream->sent_version || stopping_; });
          if (stopping_) return end_stream_locked(stream.get()), false;
          std::string frame = ": nothing new\n\n";
          if (version_ != stream->sent_version) {
            frame = "data: " + snapshot_ + "\n\n";
            stream->sent_version = version_;
          }
          const bool last = final_version_ != 0 && stream->sent_version == final_version_;
          lock.unlock();
          const bool written = sink.write(frame.data(), frame.size());
          if (written && last) sink.done();
          if (!written || last) {
            lock.lock();
            end_stream_locked(stream.get());
          }
          return written;
        },
        [this, stream](bool) {
          std::lock_guard lock(mutex_);
          end_stream_locked(stream.get());
        });
  });
}

LiveServer::~LiveServer() { stop_serving(); }

std::string LiveServer::url() const { return fmt::format("http://{}:{}/", kLoopback, port_); }

void LiveServer::mode_started(const std::string& mode) {
  {
    std::lock_guard tally_lock(tally_mutex_);
    ModeTally& entry = tallies_[mode];
    entry = {std::make_unique<live::LiveTally>(options_.run_dir / mode), true};
    show(mode, entry.tally->snapshot(), *entry.tally);  // Nothing read yet.
  }
  std::lock_guard lock(mutex_);
  views_[mode].state = "running";
  publish_locked();
}

void LiveServer::mode_finished(const std::string& mode) {
  std::lock_guard tally_lock(tally_mutex_);
  update_running_modes();
  tallies_[mode].running = false;
  std::lock_guard lock(mutex_);
  views_[mode].state = "done";
  publish_locked();
}

void LiveServer::watch() {
  while (true) {
    {
      std::lock_guard tally_lock(tally_mutex_);
      update_running_modes();
    }
    std::unique_lock lock(mutex_);
    if (watch_wakeup_.wait_for(lock, kUpdateInterval, [this] { return stopping_ || finished_; })) {
      return;
    }
  }
}

void LiveServer::update_running_modes() {
  for (auto& [mode, entry] : tallies_) {
    if (!entry.running || !entry.tally->update()) continue;
    show(mode, entry.tally->snapshot(), *entry.tally);
    std::lock_guard lock(mutex_);
    publish_locked();
  }
}

void LiveServer::show(const std::string& mode, const v1::ModeReport& report,
                      const live::LiveTally& tally) {
  nlohmann::json figures = live::figures_json(report, tally);
  live::LiveMap map = live::live_map(report, mode);
  std::lock_guard lock(mutex_);
  ModeView& view = views_[mode];
  view.figures = std::move(figures);
  view.map = std::move(map);
}

void LiveServer::publish_locked() {
  nlohmann::json modes = nlohmann::json::array();
  for (const std::string& mode : options_.modes) {
    const ModeView& view = views_.at(mode);
    nlohmann::json entry = view.figures.is_object() ? view.figures : nlohmann::json::object();
    entry["mode"] = mode;
    entry["state"] = view.state;
    entry["map"] = view.map.svg.empty() ? nlohmann::json(nullptr) : nlohmann::json(view.map.svg);
    entry["map_note"] = view.map.note;
    modes.push_back(std::move(entry));
  }
  const nlohmann::json state = {{"scenario", options_.scenario},
                                {"seed", options_.seed},
                                {"run_dir", options_.run_dir.string()},
                                {"finished", finished_},
                                {"outcome", outcome_},
                                {"modes", std::move(modes)}};
  snapshot_ = state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ++version_;
  changed_.notify_all();
}

void LiveServer::end_stream_locked(Stream* stream) {
  if (stream->ended) return;
  stream->ended = true;
  --open_streams_;
  changed_.notify_all();
}

void LiveServer::finish(const std::string& outcome, const v1::RunReport* report) {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    watch_wakeup_.notify_all();
  }
  if (watcher_.joinable()) watcher_.join();
  {
    // The report's figures, not a second count: with the losses it derives
    // for what dead nodes held, and its delays of every message.
    std::lock_guard tally_lock(tally_mutex_);
    for (auto& [mode, entry] : tallies_) {
      if (report == nullptr || !entry.tally) continue;
      const auto final_mode = report->modes().find(mode);
      if (final_mode == report->modes().end()) continue;
      show(mode, final_mode->second, *entry.tally);
      std::lock_guard lock(mutex_);
      views_.at(mode).state = "done";
    }
  }
  std::unique_lock lock(mutex_);
  outcome_ = outcome;
  publish_locked();
  final_version_ = version_;
  // Every open page gets the final figures before the server goes.
  changed_.wait_for(lock, kFinalDeliveryTimeout, [this] { return open_streams_ == 0; });
  lock.unlock();
  stop_serving();
}

void LiveServer::stop_serving() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
    watch_wakeup_.notify_all();
  }
  if (watcher_.joinable()) watcher_.join();
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace tearline
