// Google Benchmark's results kept for the benchmarks' own tables: a console
// reporter (it prints what Google Benchmark prints) that also keeps every
// run it reports, so that a benchmark binary can print, after the runs, the
// figures the README's tables show and ratios between benchmarks of one
// run. Also the statistics every repeated benchmark here reports.
#pragma once

#include <benchmark/benchmark.h>

#include <optional>
#include <string>
#include <vector>

namespace tearline::bench {

class KeptResults : public benchmark::ConsoleReporter {
 public:
  // In colour only on a terminal.
  KeptResults();
  void ReportRuns(const std::vector<Run>& runs) override;

  // The run of the benchmark named `name` (without its aggregate suffix)
  // that is `aggregate` ("median", "min", "max"; "" for a benchmark run
  // once, whatever `aggregate`), if it ran.
  const Run* find(const std::string& name, const std::string& aggregate = "") const;
  // Its counter `counter`, if it ran.
  std::optional<double> counter(const std::string& name, const std::string& aggregate,
                                const std::string& counter) const;

 private:
  std::vector<Run> runs_;
};

// The first of `extras` (the arguments a CLI11 app left) that is not a
// Google Benchmark option (--benchmark_*), if any.
std::optional<std::string> foreign_option(const std::vector<std::string>& extras);
// Initializes Google Benchmark with its `options`, as given to `program`.
void initialize_benchmark(const char* program, std::vector<std::string> options);

// Repeats `benchmark` `repetitions` times, each one iteration of manual
// (measured) time, and reports only the median, min and max of each of
// its figures.
benchmark::internal::Benchmark* repeated(benchmark::internal::Benchmark* benchmark,
                                         int repetitions);

}  // namespace tearline::bench
