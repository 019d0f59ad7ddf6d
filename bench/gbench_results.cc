#include "bench/gbench_results.h"

#include <unistd.h>

#include <algorithm>

namespace tearline::bench {
namespace {

double min_of(const std::vector<double>& values) {
  return *std::min_element(values.begin(), values.end());
}
double max_of(const std::vector<double>& values) {
  return *std::max_element(values.begin(), values.end());
}

}  // namespace

KeptResults::KeptResults()
    : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

void KeptResults::ReportRuns(const std::vector<Run>& runs) {
  runs_.insert(runs_.end(), runs.begin(), runs.end());
  ConsoleReporter::ReportRuns(runs);
}

const KeptResults::Run* KeptResults::find(const std::string& name,
                                          const std::string& aggregate) const {
  const Run* once = nullptr;  // A benchmark run once is its own median, min and max.
  for (const Run& run : runs_) {
    if (run.error_occurred || run.run_name.function_name != name) continue;
    if (run.aggregate_name == aggregate) return &run;
    if (run.run_type == Run::RT_Iteration && run.repetitions <= 1) once = &run;
  }
  return once;
}

std::optional<double> KeptResults::counter(const std::string& name, const std::string& aggregate,
                                           const std::string& counter) const {
  const Run* run = find(name, aggregate);
  if (run == nullptr) return std::nullopt;
  const auto found = run->counters.find(counter);
  if (found == run->counters.end()) return std::nullopt;
  return found->second.value;
}

std::optional<std::string> foreign_option(const std::vector<std::string>& extras) {
  for (const std::string& arg : extras) {
    if (!arg.starts_with("--benchmark_")) return arg;
  }
  return std::nullopt;
}

void initialize_benchmark(const char* program, std::vector<std::string> options) {
  std::vector<char*> argv = {const_cast<char*>(program)};
  for (std::string& option : options) argv.push_back(option.data());
  int argc = static_cast<int>(argv.size());
  argv.push_back(nullptr);
  benchmark::Initialize(&argc, argv.data());
}

benchmark::internal::Benchmark* repeated(benchmark::internal::Benchmark* benchmark,
                                         int repetitions) {
  return benchmark->UseManualTime()
      ->Iterations(1)
      ->Repetitions(repetitions)
      ->ReportAggregatesOnly(true)
      ->ComputeStatistics("min", min_of)
      ->ComputeStatistics("max", max_of)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace tearline::bench
