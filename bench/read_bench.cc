// tearline-bench-read: how fast a run's trace files are read, in this
// process (the views and the report builder, under Google Benchmark) and by
// `tearline trace` beside `wc -l` over the same files, and how much memory
// each reader of a run (the report, every trace view, every export) takes.
// See README.md, "Benchmarks".
//
// Writes a synthetic run (read_corpus.h) with at least N events, or takes
// one written before (--run). Then:
//  1. speed: R rounds each, each a child process with its output to
//     /dev/null: /usr/bin/wc -l over the files, `tearline trace RUN summary`
//     and `tearline trace RUN follow ID` of one plot trace id (the tearline
//     beside this binary). Prints the medians of wall and CPU time and the
//     ratio summary / wc of wall time (target: within 10x).
//  2. memory: once each, as a child process: `tearline report RUN`, every
//     trace view, every export `tearline trace --help` lists (into a
//     temporary file, removed afterwards). Prints wall and CPU time, peak
//     anonymous memory (child_usage.h) and whether it is within 256 MiB.
//  3. in this process: bench/read_in_process.h, R repetitions each.
// It reports; it does not fail on a target missed.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench/child_usage.h"
#include "bench/gbench_results.h"
#include "bench/read_corpus.h"
#include "bench/read_in_process.h"

namespace tearline::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr double kTargetRatio = 10.0;
constexpr uint64_t kAnonTargetMib = 256;
constexpr std::chrono::milliseconds kSampleInterval{10};
constexpr size_t kHelpBytesMax = 1 << 16;
constexpr const char* kWcPath = "/usr/bin/wc";

// The tearline binary beside this one.
std::string tearline_path() {
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const fs::path path = self.parent_path() / "tearline";
  if (!fs::exists(path)) throw std::runtime_error(fmt::format("no {}", path.string()));
  return path.string();
}

struct Timings {
  std::vector<double> wall_ms, cpu_ms;

  void measure(const std::vector<std::string>& args) {
    const ChildUsage usage = run_measured(args, kSampleInterval, true);
    if (usage.exit_code != 0) {
      throw std::runtime_error(
          fmt::format("{} failed (exit {})", fmt::join(args, " "), usage.exit_code));
    }
    wall_ms.push_back(usage.wall_ms);
    cpu_ms.push_back(usage.cpu_ms);
  }
  static double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  }
  double wall() const { return median(wall_ms); }
  double cpu() const { return median(cpu_ms); }
  double min() const { return *std::min_element(wall_ms.begin(), wall_ms.end()); }
  double max() const { return *std::max_element(wall_ms.begin(), wall_ms.end()); }
};

void print_speed(const Corpus& corpus, const std::string& tearline, const fs::path& run_dir,
                 int rounds) {
  std::vector<std::string> wc_args = {kWcPath, "-l"};
  wc_args.insert(wc_args.end(), corpus.files.begin(), corpus.files.end());
  const std::string follow_id(kPlotTraceIds[0]);
  Timings wc, summary, follow;
  for (int round = 0; round < rounds; ++round) {
    wc.measure(wc_args);
    summary.measure({tearline, "trace", run_dir.string(), "summary"});
    follow.measure({tearline, "trace", run_dir.string(), "follow", follow_id});
  }

  const auto rate = [&](double ms) { return static_cast<double>(corpus.events) / ms * 1e3; };
  const auto mbps = [&](double ms) { return static_cast<double>(corpus.bytes) / 1e3 / ms; };
  fmt::print("\n{} rounds; medians, wall (min-max)\n", rounds);
  fmt::print("{:<38} {:>24} {:>8} {:>12} {:>8}\n", "command", "wall ms", "cpu ms", "events/s",
             "MB/s");
  const auto row = [&](std::string_view what, const Timings& t) {
    fmt::print("{:<38} {:>8.1f} ({:>6.1f}-{:>6.1f}) {:>8.1f} {:>12.0f} {:>8.1f}\n", what, t.wall(),
               t.min(), t.max(), t.cpu(), rate(t.wall()), mbps(t.wall()));
  };
  row("wc -l", wc);
  row("tearline trace summary", summary);
  row(fmt::format("tearline trace follow {}", follow_id), follow);
  const double ratio = summary.wall() / wc.wall();
  fmt::print("\nratio summary/wc (wall): {:.1f} (target <= {:.0f}x): {}\n", ratio, kTargetRatio,
             ratio <= kTargetRatio ? "met" : "NOT met");
}

// One reader of the run to measure: its label, its arguments after
// `tearline`, and the export file it writes (or "").
struct Reader {
  std::string what;
  std::vector<std::string> args;
  fs::path output;
};

std::vector<Reader> readers_of(const std::string& tearline, const std::string& run,
                               const fs::path& out_dir) {
  const std::string follow_id(kPlotTraceIds[0]);
  const std::string node(kBusiestNode);
  std::vector<Reader> readers = {
      {"report", {"report", run}, {}},
      {"trace summary", {"trace", run, "summary"}, {}},
      {"trace follow " + follow_id, {"trace", run, "follow", follow_id}, {}},
      {"trace lost", {"trace", run, "lost"}, {}},
      {"trace node " + node, {"trace", run, "node", node}, {}}};
  // An export is measured only if this tearline has it.
  const std::string help = output_of({tearline, "trace", "--help"}, kHelpBytesMax);
  for (const std::string option :
       {"--otlp", "--perfetto", "--perfetto-proto", "--html", "--mermaid"}) {
    if (!std::regex_search(help, std::regex(option + "\\b(?!-)"))) continue;
    const fs::path output = out_dir / ("export" + option);
    readers.push_back({"trace " + option, {"trace", run, option, output.string()}, output});
  }
  return readers;
}

void print_memory(const std::string& tearline, const fs::path& run_dir, const std::string& only) {
  const fs::path out_dir =
      fs::temp_directory_path() / fmt::format("tearline-bench-read-out-{}", ::getpid());
  fs::create_directories(out_dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{out_dir};

  const std::regex selected(only.empty() ? ".*" : only);
  fmt::print(
      "\nmemory, one run each; peak anon = the largest RssAnon of /proc/PID/status, sampled "
      "every {} ms\n(heap and stacks; not the mapped trace files); peak RSS = VmHWM, with "
      "them\n",
      kSampleInterval.count());
  fmt::print("{:<34} {:>9} {:>9} {:>14} {:>13} {:>11}\n", "what", "wall ms", "cpu ms",
             "peak anon MiB", "peak RSS MiB", "<= 256 MiB");
  for (const Reader& reader : readers_of(tearline, run_dir.string(), out_dir)) {
    if (!std::regex_search(reader.what, selected)) continue;
    std::vector<std::string> args = {tearline};
    args.insert(args.end(), reader.args.begin(), reader.args.end());
    const ChildUsage usage = run_measured(args, kSampleInterval, false);
    if (!reader.output.empty()) {
      std::error_code ec;
      fs::remove(reader.output, ec);
    }
    const auto mib = [](uint64_t kib) { return static_cast<double>(kib) / 1024.0; };
    const std::string verdict = usage.exit_code != 0 ? fmt::format("exit {}", usage.exit_code)
                                : mib(usage.peak_anon_kib) <= kAnonTargetMib ? "yes"
                                                                             : "NO";
    fmt::print("{:<34} {:>9.0f} {:>9.0f} {:>14.1f} {:>13.1f} {:>11}\n", reader.what, usage.wall_ms,
               usage.cpu_ms, mib(usage.peak_anon_kib), mib(usage.peak_rss_kib), verdict);
    std::fflush(stdout);
  }
}

struct Options {
  uint64_t min_events = 1'000'000;
  int rounds = 3;
  std::string keep_dir;  // Where to write the run and leave it; "" for a temporary one.
  std::string run_dir;   // A run written before, read instead of writing one.
  std::string only;      // Measure only the memory of readers this matches.
  std::vector<std::string> benchmark_args;  // Google Benchmark's own (--benchmark_*).
};

// The in-process readers under Google Benchmark.
void run_in_process(const Options& options, const fs::path& run_dir, const Corpus& corpus) {
  initialize_benchmark("tearline-bench-read", options.benchmark_args);
  register_in_process_reads(run_dir, corpus, options.rounds);
  KeptResults results;
  benchmark::RunSpecifiedBenchmarks(&results);
  benchmark::Shutdown();
  print_in_process_reads(results, corpus);
}

int run(const Options& options) {
  const std::string tearline = tearline_path();
  fs::path run_dir;
  Corpus corpus;
  fs::path temporary;
  if (!options.run_dir.empty()) {
    run_dir = options.run_dir;
    if (!fs::is_directory(run_dir)) {
      throw std::runtime_error(fmt::format("--run {}: not a directory", options.run_dir));
    }
    corpus = corpus_of(run_dir);
    // Counted as lines: the events and each mode's "run" event.
    fmt::print("corpus: {} lines, {} files, {:.1f} MB in {}\n", corpus.events, corpus.files.size(),
               static_cast<double>(corpus.bytes) / 1e6, run_dir.string());
  } else {
    run_dir = options.keep_dir.empty()
                  ? fs::temp_directory_path() / fmt::format("tearline-bench-read-{}", ::getpid())
                  : fs::path(options.keep_dir);
    if (!options.keep_dir.empty() && fs::exists(run_dir)) {
      throw std::runtime_error(fmt::format("--keep {}: already exists", options.keep_dir));
    }
    if (options.keep_dir.empty()) temporary = run_dir;
    fs::remove_all(run_dir);
  }
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{temporary};

  if (options.run_dir.empty()) {
    const auto write_start = SteadyClock::now();
    corpus = write_run(run_dir, options.min_events);
    const double write_s = std::chrono::duration<double>(SteadyClock::now() - write_start).count();
    fmt::print("corpus: {} events, {} files, {:.1f} MB in {} (written in {:.2f} s)\n",
               corpus.events, corpus.files.size(), static_cast<double>(corpus.bytes) / 1e6,
               run_dir.string(), write_s);
  }
  if (options.only.empty()) print_speed(corpus, tearline, run_dir, options.rounds);
  print_memory(tearline, run_dir, options.only);
  // Last: a child's peak RSS (VmHWM) counts what this process held when it
  // forked, and reading in this process grows it.
  if (options.only.empty()) run_in_process(options, run_dir, corpus);
  return 0;
}

}  // namespace
}  // namespace tearline::bench

int main(int argc, char** argv) {
  CLI::App app{
      "tearline-bench-read: trace reading speed in this process (under Google Benchmark; "
      "options --benchmark_* go to it, e.g. --benchmark_filter=REGEX) and of the tearline "
      "binary beside wc -l, and the peak memory of each reader of a run (README.md, "
      "Benchmarks)"};
  tearline::bench::Options options;
  app.add_option("--events", options.min_events, "at least this many events in the synthetic run")
      ->check(CLI::Range(1, 1 << 30));
  app.add_option("--rounds", options.rounds, "rounds of each speed measurement; medians reported")
      ->check(CLI::Range(1, 1 << 30));
  app.add_option("--keep", options.keep_dir,
                 "write the synthetic run into this new directory and leave it there");
  app.add_option("--run", options.run_dir,
                 "read this run, written before by --keep, instead of writing one")
      ->excludes("--keep")
      ->excludes("--events");
  app.add_option("--only", options.only,
                 "measure only the memory of the readers whose name this regular expression "
                 "matches (e.g. 'node|lost'), and skip the speed rounds");
  app.allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  options.benchmark_args = app.remaining();
  if (const std::optional<std::string> foreign =
          tearline::bench::foreign_option(options.benchmark_args)) {
    fmt::print(stderr, "tearline-bench-read: unknown option {} (see --help)\n", *foreign);
    return 2;
  }
  try {
    const std::regex checked(options.only);  // Before the corpus is written.
  } catch (const std::regex_error& e) {
    fmt::print(stderr, "tearline-bench-read: --only: bad regular expression: {}\n", e.what());
    return 2;
  }
  try {
    return tearline::bench::run(options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tearline-bench-read: {}\n", e.what());
    return 1;
  }
}
