// `tearline run --live [PORT]`: a page on http://127.0.0.1:PORT/ that shows
// the run as it goes, read from its trace files (analysis/live/): per mode,
// the report's handoff map (analysis/pictures/handoff_map.h) of the figures
// so far, every handoff's in, out, losses by reason, in flight and queue
// depth, and each plot's state, pushed to the page as server-sent events at
// most about once a second while anything changes. When the run ends the
// figures are the run's report (what report.json holds). It only reads the
// run folder, so it can change nothing in the run's answer. Loopback only;
// requests naming another host (DNS rebinding) are refused.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "analysis/live/live_map.h"
#include "analysis/live/live_tally.h"
#include "tearline/v1/run_report.pb.h"

namespace httplib {
class Server;
}

namespace tearline {

class LiveServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LiveServerOptions {
  std::filesystem::path run_dir;
  std::vector<std::string> modes;  // In the order they run.
  std::string scenario;
  uint64_t seed = 0;
  uint16_t port = 0;  // 0: any free port.
};

class LiveServer {
 public:
  // Binds 127.0.0.1:port and starts serving; throws LiveServerError naming
  // the port if it cannot.
  explicit LiveServer(LiveServerOptions options);
  ~LiveServer();  // Stops serving at once.
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  std::string url() const;

  void mode_started(const std::string& mode);
  void mode_finished(const std::string& mode);
  // The run is over: sends its report's figures and maps (`report`: the
  // run's, as report.json holds it; null when there is none, and the last
  // figures read stay) to every open page, waits until each has them (at
  // most kFinalDeliveryTimeout), and stops serving. `outcome` is the run's
  // last word, shown on the page.
  void finish(const std::string& outcome, const v1::RunReport* report);

  // How often the running modes' traces are read, and their figures and
  // maps made again if anything changed.
  static constexpr auto kUpdateInterval = std::chrono::seconds(1);
  static constexpr auto kFinalDeliveryTimeout = std::chrono::seconds(5);
  // Pages watching at once; one more gets 503 at once (it may read /state).
  static constexpr int kStreamsMax = 16;

 private:
  // A mode's tally, read by the watcher while the mode runs; under
  // tally_mutex_.
  struct ModeTally {
    std::unique_ptr<live::LiveTally> tally;
    bool running = false;
  };
  // What the page shows of a mode; under mutex_.
  struct ModeView {
    std::string state = "waiting";  // "running", "done".
    nlohmann::json figures;         // live::figures_json(); null while waiting.
    live::LiveMap map;              // None while waiting.
  };
  void watch();
  // Reads the running modes' new trace lines; makes the figures and maps
  // again of those that changed. With tally_mutex_ held, not mutex_.
  void update_running_modes();
  // Sets the mode's figures and map from `report`. With tally_mutex_ held,
  // not mutex_.
  void show(const std::string& mode, const v1::ModeReport& report, const live::LiveTally& tally);
  // Binds 127.0.0.1 at options_.port (any free one for 0) into port_.
  void bind_port();
  // The page, /state, /events; requests naming another host are refused.
  void add_routes();
  // One page's event stream.
  struct Stream {
    uint64_t sent_version = 0;
    bool ended = false;  // Counted out of open_streams_.
  };
  // A stream got the final figures, or went: with mutex_ held.
  void end_stream_locked(Stream* stream);
  // Rebuilds the page's data from the views; with mutex_ held.
  void publish_locked();
  void stop_serving();

  LiveServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread listener_;
  std::thread watcher_;

  // Taken before mutex_, never after: the tallies' work (a snapshot, a map)
  // is done outside mutex_, so /state and the streams never wait for it.
  std::mutex tally_mutex_;
  std::map<std::string, ModeTally> tallies_;

  std::mutex mutex_;
  std::condition_variable changed_;       // A new snapshot, or a stream ended.
  std::condition_variable watch_wakeup_;  // Time for the watcher to go.
  std::map<std::string, ModeView> views_;
  std::string snapshot_;  // JSON, as sent.
  uint64_t version_ = 0;
  uint64_t final_version_ = 0;  // The final figures' version, once sent out.
  bool finished_ = false;
  bool stopping_ = false;
  int open_streams_ = 0;  // Streams that have not had the final figures.
  std::string outcome_;
};

}  // namespace tearline
