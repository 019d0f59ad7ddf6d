// tearline-bench-broker: how many messages per second the coordination
// centre's hop sustains, the real NodeCore and BrokerRole (take in, check,
// verify the origin's signature, acknowledge, pseudonymise, correlate, rank,
// serve, route, trace, send on), plain, with a journal (durable) and with the
// journal streamed to a standby (replicated), each with and without CURVE,
// beside a bare ZeroMQ forward of the same messages measured in the same
// run (bench/hop_round.h). Under Google Benchmark: each round is one
// repetition of manual (measured) time, repetitions interleaved at random
// across the variants; medians, min and max are reported. Beside them, on
// one thread without sockets: the hop logic alone (the centre taking in a
// window's frames and running it) and what report signatures cost. Then
// the table README.md's "Benchmarks" shows, and the ratios, each with its
// absolute figures beside it.
#include <fmt/format.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/gbench_results.h"
#include "bench/hop_node.h"
#include "bench/hop_round.h"
#include "bench/hop_traffic.h"
#include "bench/signature_cost.h"

namespace tearline::bench {
namespace {

// A temporary directory for the rounds' sockets, traces and journals,
// removed at exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path() / "tearline-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary directory: " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string benchmark_name(Variant variant, bool curve) {
  std::string name = variant_name(variant);
  std::replace(name.begin(), name.end(), ' ', '_');
  return curve ? name + "+curve" : name;
}

std::string label(Variant variant, bool curve) {
  return std::string(variant_name(variant)) + (curve ? " + CURVE" : "");
}

void register_rounds(const HopTraffic& traffic, const std::filesystem::path& dir, int rounds) {
  const auto messages = static_cast<double>(traffic.frames.size());
  for (const bool curve : {false, true}) {
    for (const Variant variant : kVariants) {
      auto* benchmark = benchmark::RegisterBenchmark(
          benchmark_name(variant, curve).c_str(),
          [&traffic, &dir, messages, variant, curve](benchmark::State& state) {
            RoundResult result;
            for (auto _ : state) {
              result = run_round(variant, curve, traffic, dir);
              state.SetIterationTime(result.wall_s);
            }
            state.counters["msgs/s"] = messages / result.wall_s;
            state.counters["hop_cpu_us/msg"] = result.hop_cpu_s * 1e6 / messages;
            state.counters["all_cpu_us/msg"] = result.process_cpu_s * 1e6 / messages;
            state.counters["switches/msg"] = result.switches / messages;
            state.counters["trace_bytes/msg"] = static_cast<double>(result.trace_bytes) / messages;
            state.counters["journal_bytes/msg"] =
                static_cast<double>(result.journal_bytes) / messages;
            state.counters["msgs/window"] =
                result.windows == 0 ? 0 : messages / static_cast<double>(result.windows);
          });
      repeated(benchmark, rounds);
    }
  }
}

// The hop logic alone: the centre takes in a window of kBatchMsgs frames
// and runs it, one thread, no sockets (for profilers:
// --benchmark_filter=hop_logic). Each iteration is the next window's frames.
void run_hop_logic(benchmark::State& state, const HopTraffic& traffic,
                   const std::filesystem::path& dir, bool journal) {
  const size_t batch = std::min(kBatchMsgs, traffic.frames.size());
  std::filesystem::create_directories(dir);
  {
    HopNode node(traffic, dir, journal);
    size_t next = 0;
    for (auto _ : state) {
      for (size_t i = 0; i < batch; ++i) node.take(kSenderNode, traffic.frames[next++]);
      benchmark::DoNotOptimize(node.run_window().size());
    }
    state.SetItemsProcessed(static_cast<int64_t>(next));
  }
  std::filesystem::remove_all(dir);
}

void register_hop_logic(const HopTraffic& traffic, const std::filesystem::path& dir) {
  const auto windows =
      static_cast<int64_t>(traffic.frames.size() / std::min(kBatchMsgs, traffic.frames.size()));
  for (const bool journal : {false, true}) {
    benchmark::RegisterBenchmark(journal ? "hop_logic_durable" : "hop_logic",
                                 [&traffic, &dir, journal](benchmark::State& state) {
                                   run_hop_logic(state, traffic, dir / "logic", journal);
                                 })
        ->Iterations(windows)
        ->Unit(benchmark::kMicrosecond);
  }
}

// A rate with no decimals and thousands separated by commas, as the README
// shows it.
std::string rate(double msgs_per_s) {
  const std::string digits = fmt::format("{:.0f}", msgs_per_s);
  std::string text;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

void print_tables(const KeptResults& results, size_t messages) {
  const auto median = [&](Variant variant, bool curve, const char* counter) {
    return results.counter(benchmark_name(variant, curve), "median", counter);
  };
  fmt::print(
      "\n| variant | median msgs/s | min-max | hop thread µs/msg | all threads µs/msg | "
      "switches/msg |\n|---|---|---|---|---|---|\n");
  for (const bool curve : {false, true}) {
    for (const Variant variant : kVariants) {
      const std::string name = benchmark_name(variant, curve);
      const std::optional<double> msgs = median(variant, curve, "msgs/s");
      if (!msgs) continue;
      fmt::print(
          "| {} | {} | {}-{} | {:.2f} | {:.2f} | {:.2f} |\n", label(variant, curve), rate(*msgs),
          rate(*results.counter(name, "min", "msgs/s")),
          rate(*results.counter(name, "max", "msgs/s")), *median(variant, curve, "hop_cpu_us/msg"),
          *median(variant, curve, "all_cpu_us/msg"), *median(variant, curve, "switches/msg"));
    }
  }
  const auto ratio = [&](Variant over, Variant under, bool curve) -> std::string {
    const std::optional<double> a = median(over, curve, "msgs/s");
    const std::optional<double> b = median(under, curve, "msgs/s");
    if (!a || !b) return "not measured";
    return fmt::format("{:.2f} ({} / {} msgs/s)", *a / *b, rate(*a), rate(*b));
  };
  fmt::print("\n{} messages a round\n", messages);
  for (const bool curve : {false, true}) {
    const char* with = curve ? " with CURVE" : "";
    fmt::print("ratio broker hop / bare forward{}: {}\n", with,
               ratio(Variant::kBrokerHop, Variant::kBare, curve));
    fmt::print("ratio durable hop / broker hop{}: {}\n", with,
               ratio(Variant::kDurableHop, Variant::kBrokerHop, curve));
    fmt::print("ratio replicated hop / durable hop{}: {}\n", with,
               ratio(Variant::kReplicatedHop, Variant::kDurableHop, curve));
  }
  if (const auto bytes = median(Variant::kBrokerHop, false, "trace_bytes/msg")) {
    fmt::print("broker hop: {:.0f} trace bytes and {:.0f} messages a window\n", *bytes,
               *median(Variant::kBrokerHop, false, "msgs/window"));
  }
  if (const auto bytes = median(Variant::kDurableHop, false, "journal_bytes/msg")) {
    fmt::print("durable hop: {:.0f} journal bytes a message, one commit (fdatasync) a window\n",
               *bytes);
  }
  for (const Variant variant : kVariants) {
    const auto plain = median(variant, false, "msgs/s");
    const auto curve = median(variant, true, "msgs/s");
    if (!plain || !curve) continue;
    fmt::print(
        "cost of CURVE, {}: {:.0f}% of the rate ({} -> {} msgs/s), {:+.2f} µs/msg of CPU\n",
        variant_name(variant), 100 * (1 - *curve / *plain), rate(*plain), rate(*curve),
        *median(variant, true, "all_cpu_us/msg") - *median(variant, false, "all_cpu_us/msg"));
  }
  fmt::print("\n| one thread, no sockets | µs of CPU per message |\n|---|---|\n");
  const std::pair<const char*, const char*> alone[] = {
      {"hop_logic", "the hop logic alone (a window of frames taken in and run)"},
      {"hop_logic_durable", "the same, with the journal (one commit a window)"},
      {"sign_report", "signing a report (once, by its author, as it first leaves it)"},
      {"verify_report", "verifying a report (by every node that takes it in)"}};
  for (const auto& [name, what] : alone) {
    const KeptResults::Run* run = results.find(name);
    if (run == nullptr) continue;
    // The hop logic's iterations are windows of frames; the others one report.
    const auto items = run->counters.find("items_per_second");
    const double us = items != run->counters.end() && items->second.value > 0
                          ? 1e6 / items->second.value
                          : run->GetAdjustedCPUTime();
    fmt::print("| {} | {:.2f} |\n", what, us);
  }
}

int run(size_t messages, int rounds, const std::vector<std::string>& benchmark_args) {
  const HopTraffic traffic = make_hop_traffic(messages);
  const TempDir dir;
  fmt::print(
      "tearline broker hop benchmark: {} messages x {} rounds per variant (interleaved), "
      "3 threads (4 with a standby) over ipc on {} CPUs\n",
      messages, rounds, std::thread::hardware_concurrency());
  initialize_benchmark("tearline-bench-broker", benchmark_args);
  register_rounds(traffic, dir.path(), rounds);
  register_hop_logic(traffic, dir.path());
  register_signature_cost(traffic.frames);
  KeptResults results;
  benchmark::RunSpecifiedBenchmarks(&results);
  benchmark::Shutdown();
  print_tables(results, messages);
  return 0;
}

}  // namespace
}  // namespace tearline::bench

int main(int argc, char** argv) {
  size_t messages = 50000;
  int rounds = 3;
  CLI::App app{
      "tearline-bench-broker: messages per second through the coordination centre's hop (the "
      "real NodeCore and BrokerRole; plain, durable, replicated; with and without CURVE) beside "
      "a bare ZeroMQ forward of the same messages, and their ratios, under Google Benchmark; "
      "options --benchmark_* (e.g. --benchmark_filter=REGEX, --benchmark_format=json, "
      "--benchmark_out=FILE) go to Google Benchmark. Exit 0 once measured, 1 on an error, 2 on "
      "bad usage. See README.md, \"Benchmarks\"."};
  // Bounds keep the pre-serialized frames (about 400 bytes each) in memory.
  app.add_option("--messages", messages, "messages per round")
      ->check(CLI::Range(size_t{1}, size_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--rounds", rounds, "rounds (repetitions) per variant; medians are reported")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  // Google Benchmark's own options; the rounds of all variants interleaved
  // unless they say otherwise.
  std::vector<std::string> extras = app.remaining();
  if (std::none_of(extras.begin(), extras.end(), [](const std::string& arg) {
        return arg.starts_with("--benchmark_enable_random_interleaving");
      })) {
    extras.insert(extras.begin(), "--benchmark_enable_random_interleaving=true");
  }
  if (const std::optional<std::string> foreign = tearline::bench::foreign_option(extras)) {
    std::fprintf(stderr, "tearline-bench-broker: unknown option %s (see --help)\n",
                 foreign->c_str());
    return 2;
  }
  try {
    return tearline::bench::run(messages, rounds, extras);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tearline-bench-broker: %s\n", error.what());
    return 1;
  }
}
