// A run's nodes as Slurm job steps (`tearline run --slurm`, docs in the
// README's "A run on Slurm"). Each node is started by `srun ... -J NAME` as
// its wrapper, so the launcher's child is srun, not the node, and srun does
// not pass every signal on: SIGSTOP stops srun only, SIGKILL kills srun
// (the node then goes too, but Slurm does not promise it). So a node that
// runs as a step is signalled through Slurm (`scancel --signal`), which
// delivers the signal to the step's task wherever it runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tearline {

// The signal that ended the task of a step, read from its srun's exit code
// (srun exits 128+N when its task was ended by signal N); 0 if none did.
int task_signal_of_srun_exit(int srun_exit_code);

// Runs `argv` (argv[0] looked up in PATH), stdin /dev/null, stderr
// inherited; its stdout (at most `output_bytes_max`), or nullopt when it
// cannot start, does not exit 0, or says more (it is then killed).
std::optional<std::string> command_output(const std::vector<std::string>& argv,
                                          size_t output_bytes_max = 1 << 20);

// The step name of `process` in the run of launcher `launcher_pid`: unique
// within an allocation, so that runs in one allocation do not mix.
std::string slurm_step_name(int launcher_pid, const std::string& process);

// Sends `signal` to the tasks of every step of `job_id` named one of
// `step_names`; an error in words, or empty. Asynchronous, as kill(2) is
// for a remote process: Slurm delivers it shortly after.
std::string signal_slurm_steps(const std::string& job_id,
                               const std::vector<std::string>& step_names, int signal);

}  // namespace tearline
