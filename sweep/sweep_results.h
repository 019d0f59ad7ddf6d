// A sweep's results: one row per run and mode, from each run's report.json,
// written as sweep.json and sweep.csv (README.md, "Sweeps").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/sweep_grid.h"

namespace tearline::sweep {

// One run of the sweep: a point of the grid and a seed.
struct RunSpec {
  size_t point = 0;
  std::vector<std::string> values;  // One per parameter.
  uint64_t seed = 0;
  std::string dir;  // Relative to the sweep folder: "runs/p3-seed7".
};

// The rows of one finished run (one per mode in its report): its point,
// parameters, seed, mode, exit code, each plot's outcome and lead time,
// messages, losses by reason, exposure and unaccounted. A run without a
// readable report gives one row per mode asked for, with only its exit code.
std::vector<nlohmann::json> rows_of_run(const std::vector<Parameter>& parameters,
                                        const RunSpec& run, int exit_code,
                                        const nlohmann::json& report,
                                        const std::vector<std::string>& modes);

// Writes <dir>/sweep.json ({"parameters", "seeds", "modes", "rows"}),
// <dir>/sweep.csv (a header, then one line per row) and <dir>/sweep.html
// (sweep_html.h), each whole and then renamed into place. Throws std::runtime_error naming the file
// when it cannot.
void write_results(const std::filesystem::path& dir, const std::string& scenario,
                   const std::vector<Parameter>& parameters, const std::vector<uint64_t>& seeds,
                   const std::vector<std::string>& modes, const std::vector<nlohmann::json>& rows);

// The CSV text of `rows` (exposed for tests).
std::string csv_of(const std::vector<Parameter>& parameters,
                   const std::vector<nlohmann::json>& rows);

}  // namespace tearline::sweep
