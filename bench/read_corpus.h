// The synthetic run tearline-bench-read reads (README.md, "Benchmarks"):
// both modes, one trace file per node, written through JsonlTraceWriter so
// the lines are byte for byte what nodes write. Each report is created,
// queued, served and delivered at an agency, then sent (directly, or via the
// broker in the coordinated mode) to a unit that receives, queues, serves,
// delivers and acts on it; each copy names its parent and the trace id. A
// launcher.trace.jsonl per mode holds the "run" event, whose plot names
// trace ids that exist.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tearline::bench {

// The plot's trace ids, each one report mid-run.
inline constexpr std::array<std::string_view, 4> kPlotTraceIds = {
    "uk-subject-m-1", "uk-subject-m-2", "us-manchester-1", "uk-subject-m-review"};
// The busiest node: it handles every coordinated report.
inline constexpr std::string_view kBusiestNode = "broker";

struct Corpus {
  uint64_t events = 0;
  uint64_t bytes = 0;
  std::vector<std::string> files;  // Sorted.
};

// Writes a run with at least min_events events into run_dir (new).
Corpus write_run(const std::filesystem::path& run_dir, uint64_t min_events);

// The trace files of a run written before (by --keep); `events` counts
// their lines.
Corpus corpus_of(const std::filesystem::path& run_dir);

}  // namespace tearline::bench
