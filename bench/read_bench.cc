// tearline-bench-read: how fast `tearline trace` reads a run's trace files,
// beside `wc -l` over the same files, measured in the same run. See
// README.md, "Benchmarks".
//
// Writes, in a fresh temporary directory, a synthetic run with at least N
// events over both modes and one file per node, through JsonlTraceWriter, so
// the lines are byte for byte what nodes write: messages created at an
// agency, queued, served and delivered there, then sent (directly, or via
// the broker in the coordinated mode) to a unit that receives, queues,
// serves, delivers and acts on them; each copy names its parent and the
// trace id. A launcher.trace.jsonl per mode holds the "run" event, whose plot
// names trace ids that exist. Then, R rounds each, each a child process with
// its output to /dev/null: /usr/bin/wc -l over the files, `tearline trace
// RUN summary`, and `tearline trace RUN follow ID` of one plot trace id (the
// tearline beside this binary). Prints the medians of wall and CPU time and
// the ratio summary / wc of wall time (target: within 10x).
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/trace.h"

extern char** environ;

namespace tearline::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr double kTargetRatio = 10.0;
constexpr const char* kWcPath = "/usr/bin/wc";
constexpr int64_t kWallStartMs = 1795674690881;
// Scenario hours between two messages' creation; each lifecycle fits in it,
// so every node file is written in time order.
constexpr double kMessageSpacingH = 0.05;
constexpr double kStepH = 0.002;  // Between two steps of one message.
constexpr const char* kPlotId = "plot.manchester-2017-05-22";
constexpr std::array<std::string_view, 4> kPlotTraceIds = {
    "uk-subject-m-1", "uk-subject-m-2", "us-manchester-1", "uk-subject-m-review"};

struct Agency {
  std::string_view name;
  std::string_view unit;  // Where its reports go.
  std::string_view area;
};
constexpr std::array<Agency, 3> kAgencies = {{{"agency.uk", "unit.manchester", "manchester"},
                                              {"agency.us", "unit.newyork", "newyork"},
                                              {"agency.ru", "unit.stpetersburg", "stpetersburg"}}};
constexpr std::array<std::string_view, 4> kUnits = {"unit.manchester", "unit.london",
                                                    "unit.newyork", "unit.stpetersburg"};

std::string run_json(std::string_view mode_name) {
  std::string plot_ids;
  for (const std::string_view id : kPlotTraceIds) {
    plot_ids += fmt::format("{}\"{}\"", plot_ids.empty() ? "" : ",", id);
  }
  return fmt::format(
      R"({{"agencies":["agency.uk","agency.us","agency.ru"],"duration_h":1896.0,)"
      R"("ms_per_scenario_hour":4.0,"mode":"{}","plots":[{{"area":"manchester",)"
      R"("attack_h":1653.5166666666667,"id":"{}","trace_ids":[{}]}}],)"
      R"("scenario":"read-bench","seed":20170522,"start_iso":"2017-03-15T00:00:00Z",)"
      R"("units":[{{"agency":"agency.uk","area":"manchester","name":"unit.manchester",)"
      R"("response_h":48.0}},{{"agency":"agency.uk","area":"london","name":"unit.london",)"
      R"("response_h":48.0}},{{"agency":"agency.ru","area":"stpetersburg",)"
      R"("name":"unit.stpetersburg","response_h":48.0}},{{"agency":"agency.us",)"
      R"("area":"newyork","name":"unit.newyork","response_h":48.0}}]}})",
      mode_name, kPlotId, plot_ids);
}

// One mode directory being written: a writer per node, and the clock.
class ModeWriter {
 public:
  ModeWriter(const fs::path& dir, std::string mode, bool coordinated)
      : dir_(dir), mode_(std::move(mode)), coordinated_(coordinated) {
    fs::create_directories(dir_);
    TraceEvent run;
    run.wall_ms = kWallStartMs;
    run.node = "launcher";
    run.mode = mode_;
    run.kind = "run";
    run.run_json = run_json(mode_);
    writer("launcher").write(run);
    for (const Agency& agency : kAgencies) start(agency.name);
    for (const std::string_view unit : kUnits) start(unit);
    if (coordinated_) start("broker");
  }

  // Writes one report's whole lifecycle; returns the events written.
  uint64_t write_message(uint64_t index, std::string_view trace_id) {
    const Agency& agency = kAgencies[index % kAgencies.size()];
    const std::string trace =
        trace_id.empty() ? fmt::format("bg.{}.{}", agency.name, index) : std::string(trace_id);
    const uint64_t before = events_;
    t_h_ = static_cast<double>(index) * kMessageSpacingH;
    event_ = TraceEvent{};
    event_.trace = trace;
    event_.area = std::string(agency.area);
    event_.detail = {"subject", "area", "site"};
    event_.background = trace_id.empty();
    event_.depth = static_cast<uint32_t>(1 + index % 7);
    event_.priority = static_cast<int32_t>(30 + index % 40);
    if (!trace_id.empty()) {
      event_.source_kind = "handle";
      event_.source = "us.insider-1";
      event_.source_agency = std::string(agency.name);
    }

    // At the agency: its database queue.
    const std::string queue = fmt::format("database@{}", agency.name);
    serve(agency.name, trace, "", fmt::format("background@{}", agency.name), queue);

    std::string copy = trace;
    std::string_view from = agency.name;
    if (coordinated_) {
      copy = hop(from, "broker", copy);
      step("broker", "pseudonymised", copy, "", "cipher@broker");
      event_.source_kind = trace_id.empty() ? "" : "pseudonym";
      serve("broker", copy, "", "", "officers@broker");
      from = "broker";
    }
    copy = hop(from, agency.unit, copy);
    serve(agency.unit, copy, "", "", fmt::format("intake@{}", agency.unit));
    step(agency.unit, "acted", copy, "", fmt::format("intake@{}", agency.unit));
    return events_ - before;
  }

  uint64_t events() const { return events_; }

  void finish() {
    for (auto& [name, node_writer] : writers_) {
      if (name == "launcher") continue;
      TraceEvent stopped;
      stopped.wall_ms = wall_ms();
      stopped.t_h = t_h_;
      stopped.node = name;
      stopped.mode = mode_;
      stopped.kind = "node_stopped";
      stopped.reason = "exit:0";
      stopped.peak_rss_kib = 11200;
      writer("launcher").write(stopped);
      ++events_;
    }
    for (auto& [name, node_writer] : writers_) node_writer->flush();
    writers_.clear();
  }

 private:
  JsonlTraceWriter& writer(std::string_view node) {
    auto it = writers_.find(std::string(node));
    if (it == writers_.end()) {
      const std::string path = (dir_ / fmt::format("{}.trace.jsonl", node)).string();
      it = writers_.emplace(std::string(node), std::make_unique<JsonlTraceWriter>(path)).first;
    }
    return *it->second;
  }

  int64_t wall_ms() const { return kWallStartMs + static_cast<int64_t>(t_h_ * 4.0); }

  void start(std::string_view node) {
    TraceEvent started;
    started.wall_ms = kWallStartMs;
    started.t_h = -50;
    started.node = node;
    started.mode = mode_;
    started.kind = "node_started";
    writer(node).write(started);
    ++events_;
  }

  void step(std::string_view node, std::string_view kind, const std::string& msg,
            std::string_view peer, std::string_view handoff) {
    t_h_ += kStepH;
    event_.wall_ms = wall_ms();
    event_.t_h = t_h_;
    event_.node = node;
    event_.mode = mode_;
    event_.kind = kind;
    event_.msg = msg;
    event_.peer = std::string(peer);
    event_.handoff = std::string(handoff);
    writer(node).write(event_);
    ++events_;
    event_.parent.clear();
    event_.attempt = 0;
    event_.wait_h = 0;
    event_.service_h = 0;
  }

  // created (if `origin` is not empty), queued, dequeued, served, delivered.
  void serve(std::string_view node, const std::string& msg, std::string_view peer,
             const std::string& origin, const std::string& queue) {
    if (!origin.empty()) step(node, "created", msg, peer, origin);
    step(node, "queued", msg, "", queue);
    event_.wait_h = kStepH;
    step(node, "dequeued", msg, "", queue);
    event_.wait_h = kStepH;
    event_.service_h = kStepH;
    step(node, "served", msg, "", queue);
    step(node, "delivered", msg, "", queue);
  }

  // A copy of `msg` from `from` to `to`: created, sent, received, acked.
  std::string hop(std::string_view from, std::string_view to, const std::string& msg) {
    const std::string copy = fmt::format("{}>{}", msg, to);
    const std::string handoff = fmt::format("{}->{}", from, to);
    event_.parent = msg;
    step(from, "created", copy, to, fmt::format("poll@{}", from));
    event_.attempt = 1;
    step(from, "sent", copy, to, handoff);
    event_.attempt = 1;
    step(to, "received", copy, from, handoff);
    event_.attempt = 1;
    step(from, "acked", copy, to, handoff);
    return copy;
  }

  fs::path dir_;
  std::string mode_;
  bool coordinated_;
  std::map<std::string, std::unique_ptr<JsonlTraceWriter>> writers_;
  TraceEvent event_;
  double t_h_ = 0;
  uint64_t events_ = 0;
};

struct Corpus {
  uint64_t events = 0;
  uint64_t bytes = 0;
  std::vector<std::string> files;
};

Corpus write_run(const fs::path& run_dir, uint64_t min_events) {
  ModeWriter bilateral(run_dir / "bilateral", "bilateral", false);
  ModeWriter coordinated(run_dir / "coordinated", "coordinated", true);
  // Plot reports sit mid-run among the background ones.
  const uint64_t plot_from = min_events / 60;
  uint64_t total = bilateral.events() + coordinated.events();
  for (uint64_t i = 0; total < min_events; ++i) {
    const std::string_view trace_id = (i >= plot_from && i - plot_from < kPlotTraceIds.size())
                                          ? kPlotTraceIds[i - plot_from]
                                          : std::string_view();
    total += bilateral.write_message(i, trace_id);
    total += coordinated.write_message(i, trace_id);
  }
  bilateral.finish();
  coordinated.finish();

  Corpus corpus;
  corpus.events = bilateral.events() + coordinated.events();
  for (const auto& entry : fs::recursive_directory_iterator(run_dir)) {
    if (!entry.is_regular_file()) continue;
    corpus.files.push_back(entry.path().string());
    corpus.bytes += entry.file_size();
  }
  std::sort(corpus.files.begin(), corpus.files.end());
  return corpus;
}

// Runs argv[0] with argv, its output to /dev/null; throws if it fails.
void run_quiet(std::vector<std::string> args) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error(fmt::format("cannot run {}", args[0]));
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(fmt::format("{} failed", fmt::join(args, " ")));
  }
}

// The tearline binary beside this one.
std::string tearline_path() {
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const fs::path path = self.parent_path() / "tearline";
  if (!fs::exists(path)) throw std::runtime_error(fmt::format("no {}", path.string()));
  return path.string();
}

// User and system CPU seconds of the children waited for so far.
double children_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timings {
  std::vector<double> wall_seconds, cpu_seconds;

  void measure(const std::vector<std::string>& args) {
    const double cpu_before = children_cpu_seconds();
    const auto start = SteadyClock::now();
    run_quiet(args);
    wall_seconds.push_back(std::chrono::duration<double>(SteadyClock::now() - start).count());
    cpu_seconds.push_back(children_cpu_seconds() - cpu_before);
  }
  static double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  }
  double wall() const { return median(wall_seconds); }
  double cpu() const { return median(cpu_seconds); }
  double min() const { return *std::min_element(wall_seconds.begin(), wall_seconds.end()); }
  double max() const { return *std::max_element(wall_seconds.begin(), wall_seconds.end()); }
};

// keep_dir: where to write the run and leave it; empty for a temporary
// directory, removed afterwards.
int run(uint64_t min_events, int rounds, const std::string& keep_dir) {
  const fs::path run_dir = keep_dir.empty() ? fs::temp_directory_path() /
                                                  fmt::format("tearline-bench-read-{}", ::getpid())
                                            : fs::path(keep_dir);
  if (!keep_dir.empty() && fs::exists(run_dir)) {
    throw std::runtime_error(fmt::format("--keep {}: already exists", keep_dir));
  }
  fs::remove_all(run_dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{keep_dir.empty() ? run_dir : fs::path()};

  const std::string tearline = tearline_path();
  Corpus corpus;
  const auto write_start = SteadyClock::now();
  corpus = write_run(run_dir, min_events);
  const double write_s = std::chrono::duration<double>(SteadyClock::now() - write_start).count();
  fmt::print("corpus: {} events, {} files, {:.1f} MB in {} (written in {:.2f} s)\n", corpus.events,
             corpus.files.size(), static_cast<double>(corpus.bytes) / 1e6, run_dir.string(),
             write_s);

  std::vector<std::string> wc_args = {kWcPath, "-l"};
  wc_args.insert(wc_args.end(), corpus.files.begin(), corpus.files.end());
  const std::string follow_id(kPlotTraceIds[0]);
  Timings wc, summary, follow;
  for (int round = 0; round < rounds; ++round) {
    wc.measure(wc_args);
    summary.measure({tearline, "trace", run_dir.string(), "summary"});
    follow.measure({tearline, "trace", run_dir.string(), "follow", follow_id});
  }

  const auto rate = [&](double seconds) { return static_cast<double>(corpus.events) / seconds; };
  const auto mbps = [&](double seconds) {
    return static_cast<double>(corpus.bytes) / 1e6 / seconds;
  };
  fmt::print("\n{} rounds; medians, wall (min-max)\n", rounds);
  fmt::print("{:<38} {:>24} {:>8} {:>12} {:>8}\n", "command", "wall ms", "cpu ms", "events/s",
             "MB/s");
  const auto row = [&](std::string_view what, const Timings& t) {
    fmt::print("{:<38} {:>8.1f} ({:>6.1f}-{:>6.1f}) {:>8.1f} {:>12.0f} {:>8.1f}\n", what,
               t.wall() * 1e3, t.min() * 1e3, t.max() * 1e3, t.cpu() * 1e3, rate(t.wall()),
               mbps(t.wall()));
  };
  row("wc -l", wc);
  row("tearline trace summary", summary);
  row(fmt::format("tearline trace follow {}", follow_id), follow);
  const double ratio = summary.wall() / wc.wall();
  fmt::print("\nratio summary/wc (wall): {:.1f} (target <= {:.0f}x): {}\n", ratio, kTargetRatio,
             ratio <= kTargetRatio ? "met" : "NOT met");
  return 0;
}

}  // namespace
}  // namespace tearline::bench

int main(int argc, char** argv) {
  CLI::App app{"tearline-bench-read: trace reading speed beside wc -l (README.md, Benchmarks)"};
  uint64_t events = 1'000'000;
  int rounds = 3;
  app.add_option("--events", events, "at least this many events in the synthetic run")
      ->check(CLI::Range(1, 1 << 30));
  app.add_option("--rounds", rounds, "rounds of each measurement; medians are reported")
      ->check(CLI::Range(1, 1 << 30));
  std::string keep_dir;
  app.add_option("--keep", keep_dir,
                 "write the synthetic run into this new directory and leave it there");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  try {
    return tearline::bench::run(events, rounds, keep_dir);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tearline-bench-read: {}\n", e.what());
    return 1;
  }
}
