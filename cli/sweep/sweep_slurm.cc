#include "cli/sweep/sweep_slurm.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

#include "base/clock.h"
#include "base/whole_file.h"
#include "cli/sweep/slurm_client.h"
#include "cli/sweep/sweep_jobs.h"
#include "cli/sweep/sweep_progress.h"
#include "cli/sweep/sweep_run.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;
using slurm::SlurmError;

// How often the folder and the queue are looked at while waiting.
constexpr long kPollIntervalMs = 1000;

// One submission of the sweep: its job array and its collector.
struct Submission {
  unsigned number = 0;
  uint64_t array_id = 0;
  uint64_t collector_id = 0;
  std::vector<uint64_t> ids() const { return {array_id, collector_id}; }
};

// The submission folders' numbers: slurm/s<N>.
std::vector<unsigned> submission_numbers(const fs::path& dir) {
  std::vector<unsigned> numbers;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir / "slurm", error)) {
    const std::string name = entry.path().filename().string();
    unsigned number = 0;
    const char* end = name.data() + name.size();
    if (name.size() > 1 && name[0] == 's' &&
        std::from_chars(name.data() + 1, end, number).ptr == end) {
      numbers.push_back(number);
    }
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

// The last submission whose jobs were recorded ("ARRAY COLLECTOR\n").
std::optional<Submission> last_submission(const fs::path& dir) {
  const std::vector<unsigned> numbers = submission_numbers(dir);
  for (auto number = numbers.rbegin(); number != numbers.rend(); ++number) {
    std::ifstream in(submission_dir(dir, *number) / "jobs");
    Submission submission{*number};
    if (in >> submission.array_id >> submission.collector_id && submission.array_id > 0 &&
        submission.collector_id > 0) {
      return submission;
    }
  }
  return std::nullopt;
}

// `text` as one word for bash.
std::string quoted(const std::string& text) {
  std::string word = "'";
  for (const char c : text) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

void write_file(const fs::path& path, const std::string& text) {
  if (const std::string error = write_whole_file(path, text); !error.empty()) {
    throw std::runtime_error(error);
  }
}

// Writes the submission's batches and scripts, and submits its array and
// collector. Throws std::runtime_error (SlurmError among them).
Submission submit(const SweepPlan& plan, const SweepOptions& options,
                  const std::vector<size_t>& to_run) {
  const std::vector<unsigned> numbers = submission_numbers(plan.dir);
  Submission submission{numbers.empty() ? 0 : numbers.back() + 1};
  const fs::path sub = submission_dir(plan.dir, submission.number);
  fs::create_directories(sub);
  std::vector<std::vector<size_t>> batches;
  for (size_t i = 0; i < to_run.size(); ++i) {
    if (i % options.runs_per_task == 0) batches.emplace_back();
    batches.back().push_back(to_run[i]);
  }
  write_file(sub / "batches", batches_text(batches));
  const std::string tearline = quoted(fs::read_symlink("/proc/self/exe").string());
  const std::string head =
      fmt::format("#!/bin/bash\n# Written by `tearline sweep --slurm` into {} (submission {}).\n",
                  plan.dir.string(), submission.number);
  write_file(
      sub / "task.sh",
      fmt::format("{}exec {} sweep-task {} --submission {} --task \"$SLURM_ARRAY_TASK_ID\"{}\n",
                  head, tearline, quoted(plan.dir.string()), submission.number,
                  options.keep_traces ? " --keep-traces" : ""));
  write_file(sub / "collect.sh",
             fmt::format("{}exec {} sweep-collect {} --submission {}\n", head, tearline,
                         quoted(plan.dir.string()), submission.number));
  std::vector<std::string> common = {"--chdir=" + plan.dir.string()};
  if (!options.partition.empty()) common.push_back("--partition=" + options.partition);
  std::vector<std::string> array = common;
  array.insert(array.end(),
               {"--job-name=tearline-sweep",
                fmt::format("--array=0-{}{}", batches.size() - 1,
                            options.max_running ? fmt::format("%{}", options.max_running) : ""),
                "--output=" + (sub / "task-%a.log").string(), (sub / "task.sh").string()});
  submission.array_id = slurm::submit(array);
  std::vector<std::string> collector = common;
  collector.insert(
      collector.end(),
      {"--job-name=tearline-sweep-collect",
       fmt::format("--dependency=afterok:{}", submission.array_id), "--kill-on-invalid-dep=yes",
       "--output=" + (sub / "collect.log").string(), (sub / "collect.sh").string()});
  try {
    submission.collector_id = slurm::submit(collector);
    write_file(sub / "jobs", fmt::format("{} {}\n", submission.array_id, submission.collector_id));
  } catch (const std::exception&) {
    slurm::cancel(submission.ids());
    throw;
  }
  return submission;
}

// Sleeps kPollIntervalMs, or less when a signal comes.
void pause_between_polls() {
  const timespec interval{kPollIntervalMs / 1000, kPollIntervalMs % 1000 * 1'000'000};
  nanosleep(&interval, nullptr);
}

// Ctrl-C: cancels the submission's jobs, says so; 130.
int cancel(const SweepPlan& plan, const Submission& submission) {
  const std::string error = slurm::cancel(submission.ids());
  fmt::print(stderr,
             "\ntearline sweep: interrupted: {}; {} of {} runs done; the same command resumes\n",
             error.empty() ? fmt::format("cancelled Slurm jobs {} and {}", submission.array_id,
                                         submission.collector_id)
                           : error,
             runs_finished(plan), plan.runs.size());
  return 130;
}

// Waits until no job of `submission` is queued, showing progress; then
// says which task or collector failed, with its log. 0 when the collector
// has written the results.
int wait_for(const SweepPlan& plan, const SweepOptions& options, const Submission& submission) {
  const fs::path sub = submission_dir(plan.dir, submission.number);
  SweepProgress progress(plan.runs.size(), runs_finished(plan), !options.quiet, system_clock());
  while (true) {
    std::vector<slurm::QueuedJob> jobs;
    try {
      jobs = slurm::queued(submission.ids());
    } catch (const SlurmError& error) {
      if (interrupted()) return cancel(plan, submission);
      progress.finish();
      fmt::print(stderr,
                 "tearline sweep: cannot read Slurm's queue: {}; jobs {} and {} go on; the "
                 "same command waits for them again\n",
                 error.what(), submission.array_id, submission.collector_id);
      return 1;
    }
    size_t running = 0;
    size_t pending = 0;
    bool collecting = false;
    for (const slurm::QueuedJob& job : jobs) {
      if (job.job_id == submission.collector_id) {
        collecting = job.state != "PENDING";
      } else {
        ++(job.state == "PENDING" ? pending : running);
      }
    }
    progress.update(runs_finished(plan),
                    jobs.empty() ? std::string("jobs ended")
                    : collecting ? std::string("collecting results")
                                 : fmt::format("tasks: {} running, {} pending", running, pending));
    if (jobs.empty()) break;
    if (!interrupted()) pause_between_polls();
    if (interrupted()) {
      progress.finish();
      return cancel(plan, submission);
    }
  }
  progress.finish();
  std::string error;
  const auto batches = read_batches(sub / "batches", plan.runs.size(), error);
  if (!batches) {
    fmt::print(stderr, "tearline sweep: {}\n", error);
    return 1;
  }
  size_t failed_tasks = 0;
  for (size_t task = 0; task < batches->size(); ++task) {
    for (const size_t index : (*batches)[task]) {
      if (exit_of_finished(plan.dir / plan.runs[index].dir)) continue;
      ++failed_tasks;
      const fs::path log = sub / fmt::format("task-{}.log", task);
      std::error_code missing;
      fmt::print(stderr, "tearline sweep: task {} of Slurm job {} failed: {}\n", task,
                 submission.array_id,
                 fs::exists(log, missing) ? "its log " + log.string()
                                          : "it never started (cancelled?): no " + log.string());
      break;
    }
  }
  if (failed_tasks > 0) {
    fmt::print(stderr,
               "tearline sweep: {} of {} tasks failed, so job {} did not collect; {} of {} runs "
               "done; the same command submits the others again\n",
               failed_tasks, batches->size(), submission.collector_id, runs_finished(plan),
               plan.runs.size());
    return 1;
  }
  std::error_code missing;
  if (!fs::exists(sub / kCollectedFile, missing)) {
    fmt::print(stderr, "tearline sweep: Slurm job {} did not write the results: its log {}\n",
               submission.collector_id, (sub / "collect.log").string());
    return 1;
  }
  return 0;
}

void say_detached(const SweepPlan& plan, const Submission& submission) {
  fmt::print(
      "tearline sweep: Slurm job array {} runs the sweep, job {} writes its results into {}\n"
      "  watch:  squeue --jobs={},{} (the same command also shows progress, and waits)\n"
      "  resume: the same command: it waits for these jobs, or submits the runs without a "
      "result\n"
      "  cancel: scancel {} {}\n",
      submission.array_id, submission.collector_id, plan.dir.string(), submission.array_id,
      submission.collector_id, submission.array_id, submission.collector_id);
}

}  // namespace

int sweep_on_slurm(const SweepPlan& given, const SweepOptions& options) {
  SweepPlan plan = given;
  plan.dir = fs::absolute(given.dir);  // The jobs may start elsewhere.
  if (plan.dir.string().find('%') != std::string::npos) {
    fmt::print(stderr,
               "tearline sweep: --slurm: the sweep folder's path may not hold '%' "
               "(sbatch reads it as a pattern)\n");
    return 2;
  }
  const bool partition_name =
      std::all_of(options.partition.begin(), options.partition.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      });
  if (!partition_name || options.partition.size() > 200) {
    fmt::print(stderr, "tearline sweep: --partition: not a partition name: '{}'\n",
               options.partition.substr(0, 200));
    return 2;
  }
  catch_interrupts();
  std::optional<Submission> submission;
  try {
    submission = last_submission(plan.dir);
    if (submission && slurm::queued(submission->ids()).empty()) submission.reset();
    if (submission && !options.quiet) {
      fmt::print(stderr, "tearline sweep: jobs {} and {} of this sweep are queued; waiting\n",
                 submission->array_id, submission->collector_id);
    }
    if (!submission) {
      std::vector<size_t> to_run;
      for (size_t i = 0; i < plan.runs.size(); ++i) {
        if (!exit_of_finished(plan.dir / plan.runs[i].dir)) to_run.push_back(i);
      }
      if (!options.quiet) {
        fmt::print(stderr,
                   "tearline sweep: {} points x {} seeds = {} runs ({} done before) into {}\n",
                   plan.runs.size() / plan.seeds.size(), plan.seeds.size(), plan.runs.size(),
                   plan.runs.size() - to_run.size(), plan.dir.string());
      }
      if (to_run.empty()) return conclude(plan, options.quiet, /*write_results=*/true);
      submission = submit(plan, options, to_run);
      if (!options.quiet) {
        fmt::print(stderr,
                   "tearline sweep: submitted {} run{} as Slurm job array {} ({} a task), "
                   "results by job {}; scripts and logs in {}\n",
                   to_run.size(), to_run.size() == 1 ? "" : "s", submission->array_id,
                   options.runs_per_task, submission->collector_id,
                   submission_dir(plan.dir, submission->number).string());
      }
    }
  } catch (const std::exception& failure) {
    fmt::print(stderr, "tearline sweep: {}\n", failure.what());
    return 1;
  }
  if (interrupted()) return cancel(plan, *submission);
  if (options.detach) {
    say_detached(plan, *submission);
    return 0;
  }
  if (const int code = wait_for(plan, options, *submission); code != 0) return code;
  return conclude(plan, options.quiet, /*write_results=*/false);
}

}  // namespace tearline
