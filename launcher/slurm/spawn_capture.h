// Runs a program as a child, without a shell, and captures what it says:
// the one way the Slurm commands (sbatch, squeue, scancel, scontrol) are
// run, by the sweep (cli/sweep/slurm_client.h) and by a run on Slurm
// (slurm_steps.h). The pipes are read together (poll), so a child that
// fills one while the other is read never blocks; the output is bounded;
// the child is always reaped. A call blocks its caller until the child
// has ended.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tearline {

struct SpawnOptions {
  // Capture the child's standard error too; otherwise it writes to ours.
  bool capture_stderr = false;
  // Its standard input is /dev/null; otherwise it reads ours.
  bool stdin_from_dev_null = false;
  // In a process group of its own, so that a signal sent to our group (a
  // Ctrl-C at the terminal) does not reach it.
  bool own_process_group = false;
  // SIGINT and SIGTERM blocked in it: a signal to our group that comes
  // before the child has left the group does not end it either.
  bool interrupts_blocked = false;
  // The most bytes kept of each captured stream; a child that says more is
  // killed (SIGKILL) and its result is `cut`.
  size_t output_bytes_max = size_t{1} << 20;
};

struct SpawnResult {
  // Its exit code (128+N when signal N ended it); nullopt when it could not
  // be started, and then `error` says why.
  std::optional<int> exit_code;
  std::string error;
  std::string out;   // Its standard output, at most output_bytes_max bytes.
  std::string err;   // Its standard error, when captured, as bounded.
  bool cut = false;  // It said more than output_bytes_max on a stream.
};

// Runs `argv` (argv[0] looked up in PATH) as `options` say and waits for
// its end.
SpawnResult spawn_capture(const std::vector<std::string>& argv, const SpawnOptions& options);

}  // namespace tearline
