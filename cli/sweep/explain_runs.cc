#include "cli/sweep/explain_runs.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "base/clock.h"
#include "cli/sweep/sweep_progress.h"
#include "cli/sweep/sweep_run.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

// SIGALRM only interrupts the wait (no SA_RESTART), at the next deadline.
void on_alarm(int) {}

// SIGALRM in `seconds` of wall time; 0 disarms it.
void set_alarm(double seconds) {
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(seconds);
  timer.it_value.tv_usec = static_cast<suseconds_t>((seconds - std::floor(seconds)) * 1e6);
  setitimer(ITIMER_REAL, &timer, nullptr);
}

struct Running {
  size_t index = 0;
  WallClock::Time deadline;
  bool killed = false;  // Stopped at its deadline.
};

// Arms SIGALRM for the nearest deadline of `running` (at least 10 ms
// ahead, so a deadline just passed still wakes the wait); none when every
// run has been stopped.
void alarm_for(const std::map<pid_t, Running>& running, const WallClock& clock) {
  std::optional<double> nearest_s;
  for (const auto& [pid, run] : running) {
    if (run.killed) continue;
    const double left_s = std::chrono::duration<double>(run.deadline - clock.now()).count();
    nearest_s = std::min(nearest_s.value_or(left_s), left_s);
  }
  set_alarm(nearest_s ? std::clamp(*nearest_s, 0.01, 1e6) : 0);
}

}  // namespace

ExplainRuns run_explain_runs(const fs::path& dir, const std::vector<sweep::RunSpec>& runs,
                             const ExplainRunsOptions& options) {
  SweepOptions spawn;  // What start_run reads: the mode, in process, file modes.
  spawn.mode = options.mode;
  spawn.in_process = true;
  catch_interrupts();
  struct sigaction action {};
  action.sa_handler = on_alarm;
  sigaction(SIGALRM, &action, nullptr);

  const WallClock& clock = system_clock();
  ExplainRuns result;
  result.ends.resize(runs.size());
  SweepProgress progress(runs.size(), 0, options.show_progress, clock, "explain");
  std::map<pid_t, Running> running;
  size_t next = 0;
  size_t done = 0;
  std::string stopped_by;  // Why no further run starts: the folder failed one.
  const auto show = [&] { progress.update(done, fmt::format("{} running", running.size())); };
  while ((next < runs.size() && !interrupted() && stopped_by.empty()) || !running.empty()) {
    while (!interrupted() && stopped_by.empty() && next < runs.size() &&
           running.size() < options.jobs) {
      try {
        const auto timeout = std::chrono::duration_cast<WallClock::Time::duration>(
            std::chrono::duration<double>(options.timeout_s));
        running[start_run(dir, runs[next], spawn)] = {next, clock.now() + timeout, false};
      } catch (const std::exception& failure) {
        stopped_by = failure.what();
        break;
      }
      ++next;
    }
    show();
    if (running.empty()) break;
    alarm_for(running, clock);
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    set_alarm(0);
    if (pid < 0) {
      if (errno != EINTR) break;
      for (auto& [child, run] : running) {
        if (interrupted()) {
          kill(child, SIGINT);
        } else if (!run.killed && clock.now() >= run.deadline) {
          kill(child, SIGKILL);
          run.killed = true;
        }
      }
      continue;
    }
    const auto finished = running.find(pid);
    if (finished == running.end()) continue;
    const Running run = finished->second;
    running.erase(finished);
    if (interrupted()) continue;
    const int code = exit_code_of(status);
    result.ends[run.index] = {code, run.killed};
    try {
      // A run stopped at its timeout may not have made its folder yet.
      std::error_code ignored;
      fs::create_directories(dir / runs[run.index].dir, ignored);
      record_end(dir, runs[run.index], code, /*keep_traces=*/false);
    } catch (const std::exception& failure) {
      if (stopped_by.empty()) stopped_by = failure.what();
    }
    ++done;
    show();
  }
  progress.finish();
  if (interrupted()) {
    fmt::print(stderr, "tearline explain: interrupted: {} of {} runs done\n", done, runs.size());
    result.exit_code = 130;
  } else if (!stopped_by.empty()) {
    fmt::print(stderr, "tearline explain: stopped: {}; {} of {} runs done\n", stopped_by, done,
               runs.size());
    result.exit_code = 1;
  }
  return result;
}

}  // namespace tearline
