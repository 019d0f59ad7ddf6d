// `tearline explain SCENARIO --plot ID --mode MODE`: which single change
// would have flipped one plot's outcome, and at how many seeds (README
// "Explain"). One baseline run of the scenario and mode at each seed; from
// their reports the candidate changes (whatif/candidates.h), each run in
// process at every seed, some at a time (cli/explain_runs.h); the changes
// that flip the outcome in at least one seed printed, in the most seeds
// first (whatif/answer.h), and with --json written as an ExplainAnswer.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace tearline {

struct ExplainOptions {
  std::string scenario;  // A path, or a name under scenarios/.
  std::string plot;
  std::string mode;                 // "bilateral" or "coordinated".
  std::string seeds = "1-5";        // sweep::parse_seeds's syntax.
  std::optional<uint64_t> seed;     // One seed only: --seeds N.
  unsigned jobs = 0;                // 0: the machine's cores.
  unsigned max_runs = 320;          // Runs at most, candidates x seeds.
  std::optional<double> timeout_s;  // Per run; default: 10 x the baseline's, at least 30 s.
  std::string json_path;            // Also write the answer here.
  std::string out_dir;              // Empty: runs/explain-<scenario>-<time>.
  bool quiet = false;               // No progress line.
};

// Adds `explain` to the `tearline` command's parser, to fill `options`.
CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options);

// Exit codes: 0 answered (every run ran); 1 the baseline or a candidate's
// run failed or timed out (the answer printed says which), or a file cannot
// be written; 2 bad usage (an unknown plot, a bad scenario, a folder that
// is not empty); 130 interrupted.
int explain_command(const ExplainOptions& options);

}  // namespace tearline
