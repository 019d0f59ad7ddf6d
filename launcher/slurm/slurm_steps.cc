#include "launcher/slurm/slurm_steps.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <string.h>

#include <set>
#include <sstream>

#include "launcher/slurm/spawn_capture.h"

namespace tearline {

std::optional<std::string> command_output(const std::vector<std::string>& argv,
                                          size_t output_bytes_max) {
  SpawnOptions options;
  options.stdin_from_dev_null = true;
  options.output_bytes_max = output_bytes_max;
  SpawnResult result = spawn_capture(argv, options);
  if (result.exit_code != 0 || result.cut) return std::nullopt;
  return std::move(result.out);
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
