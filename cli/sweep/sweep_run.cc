#include "cli/sweep/sweep_run.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "base/whole_file.h"
#include "cli/sweep/sweep_summary.h"

extern char** environ;

namespace tearline {
namespace {

namespace fs = std::filesystem;
using sweep::RunSpec;

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

constexpr const char* kExitFile = "sweep-exit";

// The run's report; nullopt when it has none that reads, which its rows
// then show by their exit code alone. A run that failed before writing one
// is said by its exit code; a report that is there and does not read (of
// an older tearline, say) is said here.
std::optional<v1::RunReport> report_of(const fs::path& run_dir) {
  const fs::path path = run_dir / "report.json";
  std::error_code error;
  if (!fs::exists(path, error)) return std::nullopt;
  try {
    return report::read_report_json(path.string());
  } catch (const ReportError& failure) {
    fmt::print(stderr, "tearline sweep: {}; its rows give only the exit code\n", failure.what());
    return std::nullopt;
  }
}

}  // namespace

pid_t start_run(const fs::path& sweep_dir, const RunSpec& run, const SweepOptions& options) {
  std::error_code ignored;
  fs::remove_all(sweep_dir / run.dir, ignored);  // Unfinished: run again.
  std::vector<std::string> args = {fs::read_symlink("/proc/self/exe").string(),
                                   "run",
                                   (sweep_dir / fmt::format("points/p{}.toml", run.point)).string(),
                                   "--seed",
                                   std::to_string(run.seed),
                                   "--scale",
                                   "0",
                                   "--quiet",
                                   "--no-html",
                                   "--out",
                                   (sweep_dir / run.dir).string()};
  if (options.mode != "both") args.insert(args.end(), {"--mode", options.mode});
  if (options.in_process) args.push_back("--in-process");
  if (options.group_readable) args.push_back("--group-readable");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (sweep_dir / (run.dir + ".log")).string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error(fmt::format("cannot start a run: {}", strerror(error)));
  return pid;
}

void record_end(const fs::path& sweep_dir, const RunSpec& run, int exit_code, bool keep_traces) {
  if (const std::string error =
          write_whole_file(sweep_dir / run.dir / kExitFile, fmt::format("{}\n", exit_code));
      !error.empty()) {
    throw std::runtime_error(error);
  }
  if (keep_traces) return;
  // `tearline run` of its point and seed makes the traces again, the same.
  std::error_code ignored;
  for (const char* mode : {"bilateral", "coordinated"}) {
    fs::remove_all(sweep_dir / run.dir / mode, ignored);
  }
}

std::optional<int> exit_of_finished(const fs::path& run_dir) {
  std::ifstream in(run_dir / kExitFile);
  int code = 0;
  if (in >> code) return code;
  return std::nullopt;
}

int exit_code_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

size_t runs_finished(const SweepPlan& plan) {
  size_t done = 0;
  for (const RunSpec& run : plan.runs) {
    if (exit_of_finished(plan.dir / run.dir)) ++done;
  }
  return done;
}

SweepOutcome outcome_of(const SweepPlan& plan) {
  SweepOutcome outcome;
  outcome.results = sweep::results_of(plan.scenario_name, plan.parameters, plan.seeds, plan.modes);
  for (const RunSpec& run : plan.runs) {
    const std::optional<int> code = exit_of_finished(plan.dir / run.dir);
    if (!code) continue;
    if (*code != 0) ++outcome.failed_runs;
    for (v1::SweepRow& row : sweep::rows_of_run(plan.parameters, run, *code,
                                                report_of(plan.dir / run.dir), plan.modes)) {
      *outcome.results.add_rows() = std::move(row);
    }
  }
  return outcome;
}

int conclude(const SweepPlan& plan, bool quiet, bool write_results) {
  const SweepOutcome outcome = outcome_of(plan);
  if (write_results) {
    try {
      sweep::write_results(plan.dir, outcome.results);
    } catch (const std::exception& failure) {
      fmt::print(stderr, "tearline sweep: {}\n", failure.what());
      return 1;
    }
  }
  if (!quiet) {
    print_summary(outcome.results);
    fmt::print("\ntearline sweep: {} runs; results in {}/sweep.csv and sweep.json\n",
               plan.runs.size(), plan.dir.string());
  }
  if (outcome.failed_runs > 0) {
    fmt::print(stderr,
               "tearline sweep: {} of {} runs failed (their log: <run>.log beside the run)\n",
               outcome.failed_runs, plan.runs.size());
    return 1;
  }
  return 0;
}

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return g_interrupted != 0; }

}  // namespace tearline
