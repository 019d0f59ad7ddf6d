#include "cli/sweep/sweep_local.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <map>

#include "base/clock.h"
#include "cli/sweep/sweep_progress.h"
#include "cli/sweep/sweep_run.h"

namespace tearline {

int run_locally(const SweepPlan& plan, const SweepOptions& options) {
  size_t done = 0;
  std::vector<size_t> to_run;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    if (exit_of_finished(plan.dir / plan.runs[i].dir)) {
      ++done;
    } else {
      to_run.push_back(i);
    }
  }
  if (!options.quiet) {
    fmt::print(stderr, "tearline sweep: {} points x {} seeds = {} runs ({} done before) into {}\n",
               plan.runs.size() / plan.seeds.size(), plan.seeds.size(), plan.runs.size(), done,
               plan.dir.string());
  }

  catch_interrupts();
  SweepProgress progress(plan.runs.size(), done, !options.quiet, system_clock());
  std::map<pid_t, size_t> running;
  size_t next = 0;
  // Why no further run starts, when the sweep folder failed it (a full disk,
  // an unwritable folder): the running ones end, and the sweep fails.
  std::string stopped_by;
  const auto show = [&] { progress.update(done, fmt::format("{} running", running.size())); };
  show();
  while ((next < to_run.size() && !interrupted() && stopped_by.empty()) || !running.empty()) {
    while (!interrupted() && stopped_by.empty() && next < to_run.size() &&
           running.size() < options.jobs) {
      try {
        running[start_run(plan.dir, plan.runs[to_run[next]], options)] = to_run[next];
      } catch (const std::exception& failure) {
        stopped_by = failure.what();
        fmt::print(stderr, "\ntearline sweep: {}\n", failure.what());
        break;
      }
      ++next;
    }
    show();
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) {
        for (const auto& [child, index] : running) kill(child, SIGINT);
        continue;
      }
      break;
    }
    const auto finished = running.find(pid);
    if (finished == running.end()) continue;
    const sweep::RunSpec& run = plan.runs[finished->second];
    running.erase(finished);
    const int code = exit_code_of(status);
    if (code == 130 || interrupted()) continue;  // Interrupted: run again on resume.
    try {
      record_end(plan.dir, run, code, options.keep_traces);
    } catch (const std::exception& failure) {
      if (stopped_by.empty()) stopped_by = failure.what();
      fmt::print(stderr, "\ntearline sweep: {}\n", failure.what());
      continue;
    }
    ++done;
    show();
  }
  progress.finish();
  if (interrupted()) {
    fmt::print(stderr,
               "tearline sweep: interrupted: {} of {} runs done; the same command resumes\n", done,
               plan.runs.size());
    return 130;
  }
  if (!stopped_by.empty()) {
    fmt::print(stderr,
               "tearline sweep: stopped: {}; {} of {} runs done; the same command resumes\n",
               stopped_by, done, plan.runs.size());
    return 1;
  }
  return 0;
}

}  // namespace tearline
