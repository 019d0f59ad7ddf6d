// tearline: the command users run. `tearline run` runs a scenario as real
// processes; `tearline report` re-reads a run directory's traces.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "launcher/report/report.h"
#include "launcher/run_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "tearline: intelligence warnings through bilateral sharing and a coordination centre, as "
      "real processes over ZeroMQ. See README.md."};
  app.require_subcommand(1);

  tearline::RunOptions run;
  CLI::App* run_app = app.add_subcommand(
      "run",
      "Run a scenario: start every node as a process, play the scenario clock, stop them, "
      "and write a run directory with traces, logs, report.txt and report.json.");
  run_app->add_option("scenario", run.scenario, "scenario file, or a name under scenarios/")
      ->required();
  run_app->add_option("--mode", run.mode, "which world to run (default: both, side by side)")
      ->check(CLI::IsMember({"bilateral", "coordinated", "both"}));
  run_app->add_option("--seed", run.seed,
                      "seed of every random decision (default: the scenario's)");
  run_app
      ->add_option("--scale", run.ms_per_scenario_hour,
                   "wall milliseconds per scenario hour (default: the scenario's)")
      ->check(CLI::PositiveNumber);
  run_app->add_option("--out", run.out_dir,
                      "run directory (default: runs/<scenario>-<time>-seed<N>)");
  run_app->add_flag("--quiet", run.quiet, "no progress, no report on stdout");

  std::string report_dir;
  bool report_json = false;
  CLI::App* report_app = app.add_subcommand(
      "report", "Print the report of a run directory, computed from its traces.");
  report_app->add_option("run_dir", report_dir, "run directory")->required();
  report_app->add_flag("--json", report_json, "print report.json instead of the text report");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  if (*run_app) return tearline::run_command(run);

  std::vector<std::string> warnings;
  try {
    const nlohmann::json report = tearline::build_report(report_dir, &warnings);
    for (const std::string& warning : warnings)
      fmt::print(stderr, "tearline report: {}\n", warning);
    fmt::print("{}", report_json ? report.dump(2) + "\n" : tearline::render_text(report));
    return 0;
  } catch (const tearline::ReportError& error) {
    fmt::print(stderr, "tearline report: {}\n", error.what());
    return 2;
  }
}
