#include "cli/sweep/sweep_jobs.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <charconv>
#include <fstream>

#include "base/whole_file.h"
#include "cli/sweep/sweep_plan.h"
#include "cli/sweep/sweep_run.h"
#include "launcher/file_modes.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

// The plan of `dir`, with new files made as the sweep folder's; nullopt
// once the reason is printed.
std::optional<SweepPlan> plan_of(const std::string& command, const std::string& dir) {
  std::string error;
  std::optional<SweepPlan> plan = read_plan(dir, error);
  if (!plan) fmt::print(stderr, "tearline {}: {}\n", command, error);
  if (plan) create_files_as_in(plan->dir);
  return plan;
}

}  // namespace

fs::path submission_dir(const fs::path& sweep_dir, unsigned submission) {
  return sweep_dir / "slurm" / fmt::format("s{}", submission);
}

std::string batches_text(const std::vector<std::vector<size_t>>& batches) {
  std::string text;
  for (const std::vector<size_t>& batch : batches) {
    for (size_t i = 0; i < batch.size(); ++i) text += fmt::format("{}{}", i ? " " : "", batch[i]);
    text += "\n";
  }
  return text;
}

std::optional<std::vector<std::vector<size_t>>> read_batches(const fs::path& file, size_t runs,
                                                             std::string& error) {
  std::error_code size_error;
  const uintmax_t size_bytes = fs::file_size(file, size_error);
  if (size_error || size_bytes > kBatchesMaxBytes) {
    error = fmt::format("{}: {}", file.string(),
                        size_error ? size_error.message() : "too large for a batches file");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::vector<std::vector<size_t>> batches;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<size_t>& batch = batches.emplace_back();
    const char* at = line.data();
    const char* end = line.data() + line.size();
    while (at < end) {
      size_t index = 0;
      const auto [next, failure] = std::from_chars(at, end, index);
      if (failure != std::errc() || index >= runs || (next != end && *next != ' ')) {
        error = fmt::format("{}:{}: not run indices below {}", file.string(), batches.size(), runs);
        return std::nullopt;
      }
      batch.push_back(index);
      at = next == end ? end : next + 1;
    }
    if (batch.empty()) {
      error = fmt::format("{}:{}: an empty batch", file.string(), batches.size());
      return std::nullopt;
    }
  }
  return batches;
}

int sweep_task_command(const std::string& dir, unsigned submission, unsigned task,
                       bool keep_traces) {
  const auto fail = [&](const std::string& message) {
    fmt::print(stderr, "tearline sweep-task: task {}: {}\n", task, message);
    return 1;
  };
  const std::optional<SweepPlan> plan = plan_of("sweep-task", dir);
  if (!plan) return 1;
  std::string error;
  const auto batches =
      read_batches(submission_dir(plan->dir, submission) / "batches", plan->runs.size(), error);
  if (!batches) return fail(error);
  if (task >= batches->size()) {
    return fail(fmt::format("there are {} tasks, not {}", batches->size(), task + 1));
  }
  SweepOptions options;
  options.mode = plan->mode;
  options.in_process = plan->in_process;
  options.group_readable =
      (fs::status(plan->dir).permissions() & fs::perms::group_read) != fs::perms::none;
  catch_interrupts();  // scancel sends SIGTERM: told to the run, which stops.
  for (const size_t index : (*batches)[task]) {
    const sweep::RunSpec& run = plan->runs[index];
    if (exit_of_finished(plan->dir / run.dir)) continue;  // Done before a requeue.
    try {
      const pid_t pid = start_run(plan->dir, run, options);
      int status = 0;
      bool told = false;
      while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return fail(fmt::format("cannot wait for {}", run.dir));
        if (interrupted() && !told) kill(pid, SIGINT);
        told = told || interrupted();
      }
      const int code = exit_code_of(status);
      if (code == 130 || interrupted()) {
        fmt::print(stderr, "tearline sweep-task: task {}: cancelled during {}\n", task, run.dir);
        return 130;
      }
      record_end(plan->dir, run, code, keep_traces);
      fmt::print(stderr, "tearline sweep-task: {} exit {}\n", run.dir, code);
    } catch (const std::exception& failure) {
      return fail(failure.what());
    }
  }
  return 0;
}

int sweep_collect_command(const std::string& dir, unsigned submission) {
  const std::optional<SweepPlan> plan = plan_of("sweep-collect", dir);
  if (!plan) return 1;
  const SweepOutcome outcome = outcome_of(*plan);
  try {
    sweep::write_results(plan->dir, outcome.results);
  } catch (const std::exception& failure) {
    fmt::print(stderr, "tearline sweep-collect: {}\n", failure.what());
    return 1;
  }
  const fs::path collected = submission_dir(plan->dir, submission) / kCollectedFile;
  if (const std::string error = write_whole_file(collected, "collected\n"); !error.empty()) {
    fmt::print(stderr, "tearline sweep-collect: {}\n", error);
    return 1;
  }
  fmt::print(stderr, "tearline sweep-collect: {} rows into {}/sweep.csv, sweep.json, sweep.html\n",
             outcome.results.rows_size(), plan->dir.string());
  return 0;
}

}  // namespace tearline
