// Reading a run in this process, under Google Benchmark: the views of
// `tearline trace` (summary, follow ID, lost, node broker) and the report
// builder, each over a whole synthetic run (bench/read_corpus.h), repeated
// `rounds` times; wall time, CPU time of the process (the modes are read
// on threads of their own), events/s and MB/s over the run's files. The tearline binary's own
// timing beside `wc -l` stays a harness (bench/read_bench.cc).
#pragma once

#include <filesystem>

#include "bench/gbench_results.h"
#include "bench/read_corpus.h"

namespace tearline::bench {

// Registers the benchmarks; `run_dir` and `corpus` must outlive the run.
void register_in_process_reads(const std::filesystem::path& run_dir, const Corpus& corpus,
                               int rounds);

// The table of their medians (README.md, "Reading speed"), if they ran.
void print_in_process_reads(const KeptResults& results, const Corpus& corpus);

}  // namespace tearline::bench
