// The Slurm commands a sweep uses (sbatch, squeue, scancel), run as
// children without a shell, their output read whole (bounded) and parsed
// strictly: a line that is not what the format asked for is an error that
// names it, never a guess. Nothing secret goes on their command lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tearline::slurm {

// Slurm missing, failing, or answering what cannot be parsed; the text
// says which command and what it said.
class SlurmError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether `program` is an executable file in a folder of PATH.
bool on_path(const std::string& program);

// sbatch --parsable's answer, "JOBID\n" or "JOBID;CLUSTER\n": the job id;
// nullopt for anything else.
std::optional<uint64_t> parse_job_id(std::string_view text);

// A line of `squeue --noheader --array --format=%F|%K|%T|%r`: one job, or
// one task of a job array.
struct QueuedJob {
  uint64_t job_id = 0;           // The array's job id for a task.
  std::optional<uint32_t> task;  // The array task; none for a plain job.
  std::string state;             // "PENDING", "RUNNING", ...
  std::string reason;            // Why it waits ("Dependency", "None", ...).
};

// squeue's lines, as above. Throws SlurmError naming the first line that
// is not one, or beyond kQueueLinesMax lines.
std::vector<QueuedJob> parse_queue(std::string_view text);

// Submits with sbatch --parsable and `args` (options, then the script);
// returns the job id. Throws SlurmError with sbatch's message.
uint64_t submit(const std::vector<std::string>& args);

// This user's queued jobs and array tasks among `job_ids`. Throws
// SlurmError with squeue's message.
std::vector<QueuedJob> queued(const std::vector<uint64_t>& job_ids);

// scancel of `job_ids` (every task of an array); "" or scancel's message.
std::string cancel(const std::vector<uint64_t>& job_ids);

// More output than this from a Slurm command is refused (a queue line is
// about 30 bytes).
inline constexpr size_t kOutputMaxBytes = size_t{64} << 20;
inline constexpr size_t kQueueLinesMax = 1'000'000;

}  // namespace tearline::slurm
