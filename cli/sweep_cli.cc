#include "cli/sweep_cli.h"

#include "cli/sweep/sweep_jobs.h"

namespace tearline {

void add_slurm_sweep_options(CLI::App& sweep_app, SweepOptions& options) {
  CLI::Option* slurm =
      sweep_app.add_flag("--slurm", options.slurm,
                         "run on Slurm instead of here: one job array runs the runs without a "
                         "result (--runs-per-task a task), a job that depends on it writes the "
                         "results; the sweep folder must be on a file system the cluster shares. "
                         "Shows progress from the queue and waits (or --detach); the same command "
                         "resumes; Ctrl-C cancels the jobs. See README.md, \"Sweeps on Slurm\"");
  sweep_app
      .add_option("--partition", options.partition,
                  "--slurm: the partition to submit to (default: the cluster's)")
      ->needs(slurm);
  sweep_app
      .add_option("--runs-per-task", options.runs_per_task,
                  "--slurm: runs one array task does, one after the other (default: 1; more "
                  "when runs are short)")
      ->check(CLI::Range(1, 10000))
      ->needs(slurm);
  sweep_app
      .add_option("--max-running", options.max_running,
                  "--slurm: array tasks running at a time (default: as many as Slurm allows)")
      ->check(CLI::Range(1, 100000))
      ->needs(slurm);
  sweep_app
      .add_flag("--detach", options.detach,
                "--slurm: submit, print the job ids and how to watch, resume and cancel, "
                "and exit 0 without waiting")
      ->needs(slurm);
}

std::unique_ptr<SweepJobsCli> add_sweep_jobs(CLI::App& app) {
  auto jobs = std::make_unique<SweepJobsCli>();
  // Hidden (no group): Slurm's jobs run them, written by `sweep --slurm`.
  jobs->task_app = app.add_subcommand("sweep-task", "one task of a sweep's Slurm job array");
  jobs->task_app->group("");
  jobs->task_app->add_option("dir", jobs->dir, "sweep folder")->required();
  jobs->task_app->add_option("--submission", jobs->submission, "submission number")->required();
  jobs->task_app->add_option("--task", jobs->task, "array task")->required();
  jobs->task_app->add_flag("--keep-traces", jobs->keep_traces, "keep each run's traces");
  jobs->collect_app = app.add_subcommand("sweep-collect", "a sweep's results, after its tasks");
  jobs->collect_app->group("");
  jobs->collect_app->add_option("dir", jobs->dir, "sweep folder")->required();
  jobs->collect_app->add_option("--submission", jobs->submission, "submission number")->required();
  return jobs;
}

std::optional<int> run_sweep_job(const SweepJobsCli& jobs) {
  if (*jobs.task_app) {
    return sweep_task_command(jobs.dir, jobs.submission, jobs.task, jobs.keep_traces);
  }
  if (*jobs.collect_app) return sweep_collect_command(jobs.dir, jobs.submission);
  return std::nullopt;
}

}  // namespace tearline
