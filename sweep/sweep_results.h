// A sweep's results: one row per run and mode, from each run's report
// (a v1::RunReport), gathered in a v1::SweepResults
// (proto/tearline/v1/sweep_results.proto) and written as sweep.json,
// sweep.csv and sweep.html (README.md, "Sweeps").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep_grid.h"
#include "tearline/v1/run_report.pb.h"
#include "tearline/v1/sweep_results.pb.h"

namespace tearline::sweep {

// One run of the sweep: a point of the grid and a seed.
struct RunSpec {
  size_t point = 0;
  std::vector<std::string> values;  // One per parameter.
  uint64_t seed = 0;
  std::string dir;  // Relative to the sweep folder: "runs/p3-seed7".
};

// The results without rows: the scenario's name, the parameters, seeds and
// modes of the sweep.
v1::SweepResults results_of(const std::string& scenario, const std::vector<Parameter>& parameters,
                            const std::vector<uint64_t>& seeds,
                            const std::vector<std::string>& modes);

// The rows of one finished run (one per mode in its report, in name
// order): its point, parameters, seed, mode, exit code, each plot's outcome
// and lead time, messages, losses by reason, exposure and unaccounted. A run
// without a readable report (nullopt) gives one row per mode asked for,
// with only its exit code.
std::vector<v1::SweepRow> rows_of_run(const std::vector<Parameter>& parameters, const RunSpec& run,
                                      int exit_code, const std::optional<v1::RunReport>& report,
                                      const std::vector<std::string>& modes);

// The value of the parameter at `path` in `row`; "" when it has none.
std::string value_of(const v1::SweepRow& row, const std::string& path);

// Writes <dir>/sweep.json (sweep_json.h), <dir>/sweep.csv (a header, then
// one line per row) and <dir>/sweep.html (sweep_html.h), each whole and
// then renamed into place. Throws std::runtime_error naming the file when
// it cannot.
void write_results(const std::filesystem::path& dir, const v1::SweepResults& results);

// The CSV text of `results`' rows (exposed for tests): a column per
// parameter, per plot outcome and per loss reason of any row.
std::string csv_of(const v1::SweepResults& results);

}  // namespace tearline::sweep
