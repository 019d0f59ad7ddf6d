#include "cli/explain_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <thread>

#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "base/clock.h"
#include "base/toml_reader.h"
#include "base/whole_file.h"
#include "cli/run_command.h"
#include "cli/sweep/explain_runs.h"
#include "launcher/file_modes.h"
#include "scenario/scenario.h"
#include "scenario/scenario_overlay.h"
#include "sweep/sweep_grid.h"
#include "whatif/answer.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;
using whatif::Candidate;

// A file of the answer's folder that cannot be written.
struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int fail(int code, const std::string& message) {
  fmt::print(stderr, "tearline explain: {}\n", message);
  return code;
}

// The plot's outcome in the run <dir>/<run_dir>; nullopt (said why) when it
// has no report that reads or no such plot.
std::optional<v1::PlotOutcome> outcome_in(const fs::path& dir, const std::string& run_dir,
                                          const ExplainOptions& options) {
  try {
    const v1::RunReport report = report::read_report_json((dir / run_dir / "report.json").string());
    const auto mode = report.modes().find(options.mode);
    if (mode != report.modes().end()) {
      for (const v1::PlotOutcome& plot : mode->second.plots()) {
        if (plot.id() == options.plot) return plot;
      }
    }
    fmt::print(stderr, "tearline explain: {}: no plot {} in {} mode\n", run_dir, options.plot,
               options.mode);
  } catch (const ReportError& error) {
    fmt::print(stderr, "tearline explain: {}\n", error.what());
  }
  return std::nullopt;
}

// The scenario every point is made from: the text of `path` as a run
// keeps it (an overlay resolved, so that a point written under points/
// never looks for its base beside itself). An error said as text, empty on
// success.
std::string scenario_text(const std::string& path, std::string* text) {
  try {
    *text = scenario_text_as_run(path);
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return {};
}

// The one place a point's scenario is made and written: `text` with
// `overrides` applied, checked to load, then (when `write`; a candidate
// left out is only checked) written as points/p<number>.toml. Throws
// SweepError or ScenarioError when the changed scenario does not load
// (nothing written), WriteError when the file cannot be written.
void write_point(const fs::path& dir, size_t number, const std::string& text,
                 const std::string& path, const std::vector<whatif::Override>& overrides,
                 bool write) {
  const std::string changed = whatif::with_overrides(text, path, overrides);
  parse_scenario(changed, path);
  if (!write) return;
  const fs::path file = dir / fmt::format("points/p{}.toml", number);
  if (const std::string error = write_whole_file(file, changed); !error.empty()) {
    throw WriteError(error);
  }
}

// The candidates whose scenario loads, each written as points/p<K>.toml
// (K from 1), at most `max_candidates`; `left_out` counts the rest.
struct Written {
  std::vector<Candidate> candidates;
  uint32_t left_out = 0;
};
Written write_candidates(const fs::path& dir, const std::string& text, const std::string& path,
                         const std::vector<Candidate>& candidates, size_t max_candidates) {
  Written written;
  for (const Candidate& candidate : candidates) {
    const bool room = written.candidates.size() < max_candidates;
    try {
      write_point(dir, written.candidates.size() + 1, text, path, candidate.overrides, room);
    } catch (const WriteError&) {
      throw;
    } catch (const std::exception& error) {  // SweepError, ScenarioError.
      fmt::print(stderr, "tearline explain: not tried, its scenario does not load: {}: {}\n",
                 candidate.description, error.what());
      continue;
    }
    if (room) {
      written.candidates.push_back(candidate);
    } else {
      ++written.left_out;
    }
  }
  return written;
}

// What is wrong with options CLI11's checks let through, found before any
// run rather than after them all; "" if nothing.
std::string options_error(const ExplainOptions& options) {
  if (options.timeout_s && !std::isfinite(*options.timeout_s)) {
    return "--timeout-s must be a number of seconds above 0";  // NaN passes CLI11's check.
  }
  if (options.json_path.empty()) return "";
  const fs::path json(options.json_path);
  const fs::path folder = json.has_parent_path() ? json.parent_path() : fs::path(".");
  std::error_code error;
  if (fs::is_directory(json, error) || !fs::is_directory(folder, error)) {
    return "--json " + options.json_path + ": not a file in a folder that exists";
  }
  return "";
}

// Prints the answer; false if stdout did not take it all: the answer of
// minutes of runs is not lost with exit 0.
bool print_answer(const std::string& text) {
  try {
    fmt::print("{}", text);
  } catch (const std::system_error&) {  // fmt's, when a write fails.
    return false;
  }
  return std::fflush(stdout) == 0;
}

}  // namespace

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options) {
  CLI::App* explain_app = app.add_subcommand(
      "explain",
      "Which single change would have flipped a plot's outcome, and in how many seeds: one "
      "baseline run of the scenario and mode at each seed; from their reports, single changes "
      "along the plot's reports' paths "
      "(for a plot not averted: each withholding or sanitising sharing decision made in full, "
      "each link lossless or twice as fast, each department with twice the workers or no expiry, "
      "each loss undone; for an averted one: each sharing decision sanitising or withholding, each "
      "link losing everything or twice as slow, each department down to 1 worker), each run in "
      "process at every seed, some at a time; prints the changes that flip the outcome in at "
      "least one seed, in the most seeds, fewest overrides and longest lead time first, with "
      "their `tearline sweep --set` paths (averted at some seeds and not at others: both "
      "questions, each over its seeds). Exit 0 answered, 1 a run "
      "failed or timed out (the answer says which), 2 bad usage, 130 interrupted. See README.md, "
      "\"Explain\".");
  explain_app->add_option("scenario", options.scenario, "scenario file, or a name under scenarios/")
      ->required();
  explain_app->add_option("--plot", options.plot, "the plot's id, e.g. plot.manchester-2017-05-22")
      ->required();
  explain_app->add_option("--mode", options.mode, "the world to ask about")
      ->required()
      ->check(CLI::IsMember({"bilateral", "coordinated"}));
  CLI::Option* seeds =
      explain_app->add_option("--seeds", options.seeds,
                              "seeds every run is made at, as `tearline sweep --seeds`: \"1-5\", "
                              "\"1,3,9\" (default 1-5, the seeds the cases' tests pin; one seed "
                              "of a stochastic model gives a brittle answer, so each change is "
                              "counted over all)");
  explain_app->add_option("--seed", options.seed, "one seed only: --seeds N")->excludes(seeds);
  explain_app->add_option("--jobs", options.jobs, "runs at a time (default: the machine's cores)")
      ->check(CLI::Range(1, 64));
  explain_app
      ->add_option("--max-runs", options.max_runs,
                   "runs at most, candidates x seeds: the first candidates, in candidate order, "
                   "each at every seed; the answer says how many were left out (default 320)")
      ->check(CLI::Range(1, 10000));
  explain_app
      ->add_option("--timeout-s", options.timeout_s,
                   "wall seconds a run may take before it is stopped and reported as timed out "
                   "(default: 10 times the wall time the baselines took together, at least 30; a "
                   "baseline's own: 600)")
      ->check(CLI::PositiveNumber);
  explain_app->add_option("--json", options.json_path,
                          "also write the answer as JSON "
                          "(proto/tearline/v1/explain_answer.proto)");
  explain_app->add_option("--out", options.out_dir,
                          "folder of the runs, new or empty (default: "
                          "runs/explain-<scenario>-<time>)");
  explain_app->add_flag("--quiet", options.quiet, "no progress line");
  return explain_app;
}

int explain_command(const ExplainOptions& options) {
  if (const std::string error = options_error(options); !error.empty()) return fail(2, error);
  const std::string path = resolve_scenario_path(options.scenario);
  Scenario scenario;
  std::string text;
  try {
    scenario = load_scenario(path);
  } catch (const ScenarioError& error) {
    return fail(2, error.what());
  }
  if (const std::string error = scenario_text(path, &text); !error.empty()) {
    return fail(2, path + ": " + error);
  }
  std::string plots;
  bool known = false;
  for (const PlotSpec& plot : scenario.plots) {
    plots += (plots.empty() ? "" : ", ") + plot.id;
    known = known || plot.id == options.plot;
  }
  if (!known) {
    return fail(2, fmt::format("{} has no plot {} (its plots: {})", path, options.plot,
                               plots.empty() ? "none" : plots));
  }
  std::vector<uint64_t> seeds;
  try {
    seeds = options.seed ? std::vector<uint64_t>{*options.seed} : sweep::parse_seeds(options.seeds);
  } catch (const sweep::SweepError& error) {
    return fail(2, error.what());
  }
  if (seeds.empty()) return fail(2, "--seeds gives no seed");
  const unsigned jobs =
      options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());

  const fs::path dir =
      options.out_dir.empty()
          ? fs::path(fmt::format("runs/explain-{}-{}", scenario.name, folder_stamp(system_clock())))
          : fs::path(options.out_dir);
  std::error_code exists_error;
  if (fs::exists(dir, exists_error) &&
      (!fs::is_directory(dir, exists_error) || !fs::is_empty(dir, exists_error))) {
    return fail(2, dir.string() + " is not an empty folder; give another --out");
  }
  create_private_files(false);  // The runs inherit it.
  try {
    fs::create_directories(dir / "points");
    if (const std::error_code failure = make_private(dir, false)) {
      throw fs::filesystem_error("cannot restrict who reads it", dir, failure);
    }
    fs::create_directories(dir / "runs");
    // Written as the changes are (no override), so that a change's run
    // differs from the baseline's by its overrides alone.
    write_point(dir, 0, text, path, {}, true);
  } catch (const std::exception& failure) {
    return fail(1, fmt::format("cannot write {}: {}", dir.string(), failure.what()));
  }
  if (!options.quiet) {
    fmt::print(stderr, "tearline explain: {} in {} mode, {} seed{}, into {}\n", options.plot,
               options.mode, seeds.size(), seeds.size() == 1 ? "" : "s", dir.string());
  }

  // The baselines: the scenario as it is, at each seed.
  v1::ExplainAnswer answer;
  answer.set_scenario(scenario.name);
  answer.set_mode(options.mode);
  answer.set_plot(options.plot);
  std::vector<sweep::RunSpec> runs;
  for (const uint64_t seed : seeds) {
    answer.add_seeds(seed);
    runs.push_back({0, {}, seed, fmt::format("runs/baseline-s{}", seed)});
  }
  ExplainRunsOptions run_options{options.mode, jobs, options.timeout_s.value_or(600),
                                 !options.quiet};
  const WallClock::Time began = system_clock().now();
  const ExplainRuns baseline_runs = run_explain_runs(dir, runs, run_options);
  if (baseline_runs.exit_code != 0) return baseline_runs.exit_code;
  const double baselines_s = std::chrono::duration<double>(system_clock().now() - began).count();
  std::vector<std::vector<Candidate>> suggested;
  try {
    const whatif::ScenarioIndex index(parse_toml(text, path));
    for (size_t i = 0; i < runs.size(); ++i) {
      const RunEnd& end = baseline_runs.ends[i];
      if (end.exit_code != 0) {
        return fail(1, fmt::format("the baseline run at seed {} {} (exit {}; its log: {}/{}.log)",
                                   runs[i].seed, end.timed_out ? "timed out" : "failed",
                                   end.exit_code, dir.string(), runs[i].dir));
      }
      const std::optional<v1::PlotOutcome> outcome = outcome_in(dir, runs[i].dir, options);
      if (!outcome) return 1;
      *answer.add_baselines() =
          whatif::seed_run(runs[i].seed, 0, false, whatif::result_of(*outcome), nullptr);
      suggested.push_back(whatif::candidates_for(
          *outcome, whatif::question_of(answer.baselines().rbegin()->result()), index,
          scenario.duration_h));
    }
  } catch (const std::exception& failure) {  // TomlError.
    return fail(1, failure.what());
  }

  // Every candidate at every seed, as many candidates as --max-runs holds.
  Written written;
  try {
    written = write_candidates(dir, text, path, whatif::union_of(suggested),
                               options.max_runs / seeds.size());
  } catch (const std::exception& failure) {  // A file not written.
    return fail(1, failure.what());
  }
  answer.set_left_out(written.left_out);
  answer.set_left_out_runs(static_cast<uint32_t>(written.left_out * seeds.size()));
  runs.clear();
  for (size_t k = 1; k <= written.candidates.size(); ++k) {
    for (const uint64_t seed : seeds) {
      runs.push_back({k, {}, seed, fmt::format("runs/c{}-s{}", k, seed)});
    }
  }
  if (!options.quiet) {
    fmt::print(stderr, "tearline explain: {} change{} at {} seed{}: {} runs ({} left out)\n",
               written.candidates.size(), written.candidates.size() == 1 ? "" : "s", seeds.size(),
               seeds.size() == 1 ? "" : "s", runs.size(), answer.left_out_runs());
  }
  run_options.timeout_s = options.timeout_s.value_or(std::max(30.0, 10 * baselines_s));
  const ExplainRuns tried = run_explain_runs(dir, runs, run_options);
  if (tried.exit_code != 0) return tried.exit_code;
  bool all_ran = true;
  for (size_t k = 0; k < written.candidates.size(); ++k) {
    v1::WhatIf& change = *answer.add_changes() =
        whatif::what_if(static_cast<uint32_t>(k + 1), written.candidates[k]);
    for (size_t i = 0; i < seeds.size(); ++i) {
      const size_t r = k * seeds.size() + i;
      const RunEnd& end = tried.ends[r];
      std::optional<v1::PlotResult> result;
      if (end.exit_code == 0) {
        if (const auto outcome = outcome_in(dir, runs[r].dir, options))
          result = whatif::result_of(*outcome);
      }
      *change.add_runs() = whatif::seed_run(seeds[i], end.exit_code, end.timed_out, result,
                                            &answer.baselines(static_cast<int>(i)));
      all_ran = all_ran && change.runs().rbegin()->status() == "ran";
    }
  }
  whatif::select_answers(answer);
  const bool printed = print_answer(whatif::render_text(answer));
  if (!options.json_path.empty()) {
    try {
      if (const std::string error = write_whole_file(options.json_path, whatif::to_json(answer));
          !error.empty()) {
        return fail(1, error);
      }
    } catch (const std::exception& failure) {
      return fail(1, failure.what());
    }
  }
  if (!printed) return fail(1, "cannot write the answer to stdout (a full disk, a closed pipe?)");
  return all_ran ? 0 : 1;
}

}  // namespace tearline
