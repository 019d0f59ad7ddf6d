#include "cli/explain_command.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "base/clock.h"
#include "base/toml_reader.h"
#include "base/whole_file.h"
#include "cli/run_command.h"
#include "cli/sweep/explain_runs.h"
#include "launcher/file_modes.h"
#include "proto/proto_json.h"
#include "scenario/scenario.h"
#include "whatif/answer.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;
using whatif::Candidate;

// A scenario file larger than this is not one to explain.
constexpr size_t kScenarioMaxBytes = size_t{64} << 20;

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

// The candidates whose scenario loads, each written as points/p<K>.toml
// (K from 1), at most `max_runs`; `left_out` counts the rest.
struct Written {
  std::vector<Candidate> candidates;
  uint32_t left_out = 0;
};
Written write_candidates(const fs::path& dir, const std::string& text, const std::string& path,
                         const std::vector<Candidate>& candidates, unsigned max_runs) {
  Written written;
  for (const Candidate& candidate : candidates) {
    std::string changed;
    try {
      changed = whatif::with_overrides(text, path, candidate.overrides);
      parse_scenario(changed, path);
    } catch (const std::exception& error) {  // SweepError, ScenarioError.
      fmt::print(stderr, "tearline explain: not tried, its scenario does not load: {}: {}\n",
                 candidate.description, error.what());
      continue;
    }
    if (written.candidates.size() >= max_runs) {
      ++written.left_out;
      continue;
    }
    written.candidates.push_back(candidate);
    const fs::path file = dir / fmt::format("points/p{}.toml", written.candidates.size());
    if (const std::string error = write_whole_file(file, changed); !error.empty()) {
      throw std::runtime_error(error);
    }
  }
  return written;
}

}  // namespace

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options) {
  CLI::App* explain_app = app.add_subcommand(
      "explain",
      "Which single change would have flipped a plot's outcome: one baseline run of the "
      "scenario, mode and seed; from its report, single changes along the plot's reports' paths "
      "(for a plot not averted: each withholding or sanitising sharing decision made in full, "
      "each link lossless or twice as fast, each department with twice the workers or no expiry, "
      "each loss undone; for an averted one: each sharing decision sanitising or withholding, each "
      "link losing everything or twice as slow, each department down to 1 worker), each run in "
      "process, some at a time; prints the changes that flip the outcome, fewest overrides and "
      "longest lead time first, with their `tearline sweep --set` paths. Exit 0 answered, 1 a run "
      "failed or timed out (the answer says which), 2 bad usage, 130 interrupted. See README.md, "
      "\"Explain\".");
  explain_app->add_option("scenario", options.scenario, "scenario file, or a name under scenarios/")
      ->required();
  explain_app->add_option("--plot", options.plot, "the plot's id, e.g. plot.manchester-2017-05-22")
      ->required();
  explain_app->add_option("--mode", options.mode, "the world to ask about")
      ->required()
      ->check(CLI::IsMember({"bilateral", "coordinated"}));
  explain_app->add_option("--seed", options.seed, "seed of every run (default: the scenario's)");
  explain_app->add_option("--jobs", options.jobs, "runs at a time (default: the machine's cores)")
      ->check(CLI::Range(1, 64));
  explain_app
      ->add_option("--max-runs", options.max_runs,
                   "changes tried at most, in candidate order; the answer says how many were left "
                   "out (default 64)")
      ->check(CLI::Range(1, 10000));
  explain_app
      ->add_option("--timeout-s", options.timeout_s,
                   "wall seconds a run may take before it is stopped and reported as timed out "
                   "(default: 10 times the baseline's, at least 30; the baseline's own: 600)")
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
  const std::string path = resolve_scenario_path(options.scenario);
  Scenario scenario;
  std::string text;
  try {
    scenario = load_scenario(path);
  } catch (const ScenarioError& error) {
    return fail(2, error.what());
  }
  if (const std::string error = proto_json::read_file(path, kScenarioMaxBytes, &text);
      !error.empty()) {
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
  const uint64_t seed = options.seed.value_or(scenario.seed);
  const unsigned jobs =
      options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());

  const fs::path dir =
      options.out_dir.empty()
          ? fs::path(fmt::format("runs/explain-{}-{}", scenario.name, folder_stamp(system_clock())))
          : fs::path(options.out_dir);
  std::error_code exists_error;
  if (fs::exists(dir, exists_error) && !fs::is_empty(dir, exists_error)) {
    return fail(2, dir.string() + " is not empty; give another --out");
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
    if (const std::string error =
            write_whole_file(dir / "points/p0.toml", whatif::with_overrides(text, path, {}));
        !error.empty()) {
      throw std::runtime_error(error);
    }
  } catch (const std::exception& failure) {
    return fail(1, fmt::format("cannot write {}: {}", dir.string(), failure.what()));
  }
  if (!options.quiet) {
    fmt::print(stderr, "tearline explain: {} in {} mode, seed {}, into {}\n", options.plot,
               options.mode, seed, dir.string());
  }

  // The baseline: the scenario as it is.
  ExplainRunsOptions run_options{options.mode, 1, options.timeout_s.value_or(600), !options.quiet};
  const WallClock::Time began = system_clock().now();
  const ExplainRuns baseline_run =
      run_explain_runs(dir, {sweep::RunSpec{0, {}, seed, "runs/baseline"}}, run_options);
  if (baseline_run.exit_code != 0) return baseline_run.exit_code;
  const double baseline_s = std::chrono::duration<double>(system_clock().now() - began).count();
  const RunEnd& baseline_end = baseline_run.ends.front();
  if (baseline_end.exit_code != 0) {
    return fail(1, fmt::format("the baseline run {} (exit {}; its log: {}/runs/baseline.log)",
                               baseline_end.timed_out ? "timed out" : "failed",
                               baseline_end.exit_code, dir.string()));
  }
  const std::optional<v1::PlotOutcome> baseline = outcome_in(dir, "runs/baseline", options);
  if (!baseline) return 1;

  v1::ExplainAnswer answer;
  answer.set_scenario(scenario.name);
  answer.set_mode(options.mode);
  answer.set_seed(seed);
  answer.set_plot(options.plot);
  *answer.mutable_baseline() = whatif::result_of(*baseline);
  const whatif::Question question = whatif::question_of(answer.baseline());
  answer.set_question(question == whatif::Question::kAvert ? "avert" : "lose");

  Written written;
  try {
    const whatif::ScenarioIndex index(parse_toml(text, path));
    written = write_candidates(
        dir, text, path, whatif::candidates_for(*baseline, question, index, scenario.duration_h),
        options.max_runs);
  } catch (const std::exception& failure) {  // TomlError, a file not written.
    return fail(1, failure.what());
  }
  answer.set_left_out(written.left_out);

  std::vector<sweep::RunSpec> runs;
  for (size_t k = 1; k <= written.candidates.size(); ++k) {
    runs.push_back({k, {}, seed, fmt::format("runs/c{}", k)});
  }
  run_options.jobs = jobs;
  run_options.timeout_s = options.timeout_s.value_or(std::max(30.0, 10 * baseline_s));
  const ExplainRuns tried = run_explain_runs(dir, runs, run_options);
  if (tried.exit_code != 0) return tried.exit_code;
  bool all_ran = true;
  for (size_t k = 0; k < runs.size(); ++k) {
    const RunEnd& end = tried.ends[k];
    std::optional<v1::PlotResult> result;
    if (end.exit_code == 0) {
      if (const auto outcome = outcome_in(dir, runs[k].dir, options))
        result = whatif::result_of(*outcome);
    }
    *answer.add_tried() = whatif::what_if(static_cast<uint32_t>(k + 1), written.candidates[k],
                                          end.exit_code, end.timed_out, result, answer.baseline());
    all_ran = all_ran && answer.tried().rbegin()->status() == "ran";
  }
  whatif::select_answers(answer);
  fmt::print("{}", whatif::render_text(answer));
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
  return all_ran ? 0 : 1;
}

}  // namespace tearline
