#include "launcher/slurm/slurm_steps.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <sstream>

extern char** environ;

namespace tearline {

std::optional<std::string> command_output(const std::vector<std::string>& argv,
                                          size_t output_bytes_max) {
  int pipe_fds[2];
  if (argv.empty() || pipe2(pipe_fds, O_CLOEXEC) != 0) return std::nullopt;
  std::vector<std::string> words = argv;
  std::vector<char*> pointers;
  for (std::string& word : words) pointers.push_back(word.data());
  pointers.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, pointers[0], &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (error != 0) {
    close(pipe_fds[0]);
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  ssize_t got = 0;
  bool too_long = false;
  while ((got = read(pipe_fds[0], buffer, sizeof buffer)) != 0) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    // Read to the end all the same, so the command never blocks on a full pipe.
    if (output.size() + static_cast<size_t>(got) > output_bytes_max) too_long = true;
    if (!too_long) output.append(buffer, static_cast<size_t>(got));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_long || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return output;
}

int task_signal_of_srun_exit(int srun_exit_code) {
  constexpr int kSignalBase = 128;
  const bool by_signal = srun_exit_code > kSignalBase && srun_exit_code < kSignalBase + NSIG;
  return by_signal ? srun_exit_code - kSignalBase : 0;
}

std::string slurm_step_name(int launcher_pid, const std::string& process) {
  return fmt::format("tearline-{}-{}", launcher_pid, process);
}

namespace {

// The ids ("JOB.STEP") of job `job_id`'s steps named one of `step_names`.
// Empty if none runs (or squeue cannot be asked).
std::vector<std::string> steps_named(const std::string& job_id,
                                     const std::vector<std::string>& step_names) {
  const std::optional<std::string> listed =
      command_output({"squeue", "--steps", "--noheader", "--jobs=" + job_id, "--format=%i %j"});
  std::vector<std::string> steps;
  if (!listed) return steps;
  const std::set<std::string> wanted(step_names.begin(), step_names.end());
  std::istringstream lines(*listed);
  std::string step;
  std::string name;
  while (lines >> step >> name) {
    if (wanted.contains(name)) steps.push_back(step);
  }
  return steps;
}

}  // namespace

std::string signal_slurm_steps(const std::string& job_id,
                               const std::vector<std::string>& step_names, int signal) {
  const std::vector<std::string> steps = steps_named(job_id, step_names);
  if (steps.empty()) {
    return fmt::format("no step {} runs in job {}", fmt::join(step_names, ", "), job_id);
  }
  std::vector<std::string> argv = {"scancel", "--quiet",
                                   fmt::format("--signal={}", sigabbrev_np(signal))};
  argv.insert(argv.end(), steps.begin(), steps.end());
  if (!command_output(argv)) {
    return fmt::format("scancel could not send SIG{} to steps {}", sigabbrev_np(signal),
                       fmt::join(steps, " "));
  }
  return "";
}

}  // namespace tearline
