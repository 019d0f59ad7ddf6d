#include "bench/read_in_process.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "analysis/report/report.h"
#include "analysis/views/trace_views.h"

namespace tearline::bench {
namespace {

// An ostream that keeps nothing: what the streamed views write.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize count) override { return count; }
};

struct InProcessRead {
  std::string name;  // The benchmark's.
  std::string what;  // The table's.
  std::function<void(const std::string& run_dir)> read;
};

std::vector<InProcessRead> in_process_reads() {
  const std::string follow_id(kPlotTraceIds[0]);
  const std::string node(kBusiestNode);
  return {
      {"trace_summary", "trace summary",
       [](const std::string& run) {
         benchmark::DoNotOptimize(trace_summary(run, {}, nullptr).size());
       }},
      {"trace_follow", "trace follow " + follow_id,
       [follow_id](const std::string& run) {
         benchmark::DoNotOptimize(trace_follow(run, follow_id, {}, nullptr).size());
       }},
      {"trace_lost", "trace lost",
       [](const std::string& run) {
         NullBuffer buffer;
         std::ostream out(&buffer);
         trace_lost(run, "", {}, nullptr, &out);
       }},
      {"trace_node", "trace node " + node,
       [node](const std::string& run) {
         NullBuffer buffer;
         std::ostream out(&buffer);
         trace_node(run, node, {}, nullptr, &out);
       }},
      {"build_report", "report (build_report)",
       [](const std::string& run) {
         benchmark::DoNotOptimize(build_report(run, nullptr).ByteSizeLong());
       }},
  };
}

}  // namespace

void register_in_process_reads(const std::filesystem::path& run_dir, const Corpus& corpus,
                               int rounds) {
  for (InProcessRead& read : in_process_reads()) {
    auto* benchmark = benchmark::RegisterBenchmark(
        read.name.c_str(), [&run_dir, &corpus, read = read.read](benchmark::State& state) {
          for (auto _ : state) {
            const auto start = std::chrono::steady_clock::now();
            read(run_dir.string());
            state.SetIterationTime(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
          }
          state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(corpus.events));
          state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(corpus.bytes));
        });
    // The modes are read on threads of their own: CPU time of them all.
    repeated(benchmark, rounds)->MeasureProcessCPUTime();
  }
}

void print_in_process_reads(const KeptResults& results, const Corpus& corpus) {
  fmt::print("\nin this process (Google Benchmark), medians of wall time\n");
  fmt::print("| reader | wall ms | CPU ms | events/s | MB/s |\n|---|---|---|---|---|\n");
  for (const InProcessRead& read : in_process_reads()) {
    const KeptResults::Run* run = results.find(read.name, "median");
    if (run == nullptr) continue;
    const double wall_ms = run->GetAdjustedRealTime();
    fmt::print("| {} | {:.0f} | {:.0f} | {:.0f} | {:.1f} |\n", read.what, wall_ms,
               run->GetAdjustedCPUTime(), static_cast<double>(corpus.events) / wall_ms * 1e3,
               static_cast<double>(corpus.bytes) / 1e3 / wall_ms);
  }
}

}  // namespace tearline::bench
