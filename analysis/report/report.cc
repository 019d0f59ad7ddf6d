#include "analysis/report/report.h"

#include <fmt/format.h>

#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include "analysis/read/trace_reader.h"
#include "analysis/read/trace_scan.h"
#include "analysis/report/mode_builder.h"
#include "base/invariant.h"

namespace tearline {
namespace {

using report::ModeBuilder;
using report::ModeScan;

struct ModeResult {
  std::string name;
  v1::ModeReport report;
  std::vector<std::string> warnings;
  std::exception_ptr error;
};

// The mode's RunInfo, parsed leniently (traces are untrusted and may be
// older: unknown fields are ignored); none when it has none, or (warned)
// when it does not parse.
std::optional<v1::RunInfo> run_info_of(ModeScan* scan, std::vector<std::string>* warnings) {
  if (const v1::RunInfo* info = scan->run_info()) return *info;
  if (!scan->run_info_error().empty()) {
    warnings->push_back(fmt::format("{}: the run event's RunInfo is unreadable, ignored: {}",
                                    scan->mode(), scan->run_info_error()));
  }
  return std::nullopt;
}

void build_mode(const std::filesystem::path& mode_dir, ModeResult* result) {
  try {
    ModeScan scan(mode_dir);
    result->name = scan.mode();
    const std::optional<v1::RunInfo> run_info = run_info_of(&scan, &result->warnings);
    auto builder = std::make_unique<ModeBuilder>(scan.mode(), run_info, scan.files());
    scan.read_in_time_order(
        [&builder](const report::EventFields& event) { builder->add(event); },
        [&] { builder = std::make_unique<ModeBuilder>(scan.mode(), run_info, scan.files()); },
        &result->warnings);
    result->report = builder->finish(&result->warnings);
  } catch (...) {
    result->error = std::current_exception();
  }
}

}  // namespace

v1::RunReport build_report(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::error_code ec;
  if (!std::filesystem::is_directory(run_dir, ec)) {
    throw ReportError(
        fmt::format("run directory {} does not exist or is not a directory", run_dir));
  }
  const auto mode_dirs = report::find_mode_dirs(run_dir);
  if (mode_dirs.empty()) {
    throw ReportError(fmt::format(
        "run directory {} has no mode directory holding launcher.trace.jsonl", run_dir));
  }

  // One thread per mode (two): the modes share nothing.
  std::vector<ModeResult> results(mode_dirs.size());
  std::vector<std::thread> threads;
  for (size_t i = 1; i < mode_dirs.size(); ++i) {
    threads.emplace_back(build_mode, mode_dirs[i], &results[i]);
  }
  build_mode(mode_dirs[0], &results[0]);
  for (std::thread& thread : threads) thread.join();

  v1::RunReport result;
  result.set_run_dir(run_dir);
  bool have_run_info = false;
  for (ModeResult& mode : results) {
    if (mode.error) std::rethrow_exception(mode.error);
    if (warnings != nullptr) {
      warnings->insert(warnings->end(), mode.warnings.begin(), mode.warnings.end());
    }
    if (mode.report.has_run()) {
      const v1::RunInfo& run = mode.report.run();
      if (!have_run_info) {
        result.set_scenario(run.scenario());
        result.set_seed(run.seed());
        have_run_info = true;
      } else if (run.scenario() != result.scenario() || run.seed() != result.seed()) {
        v1::Anomaly* anomaly = mode.report.add_anomalies();
        anomaly->set_check("same_inputs");
        anomaly->set_message("scenario or seed differs from the other modes': not comparable");
      }
    }
    (*result.mutable_modes())[mode.name] = std::move(mode.report);
  }
  TEARLINE_ASSERT(result.modes_size() == static_cast<int>(results.size()));  // A folder a mode.
  return result;
}

}  // namespace tearline
