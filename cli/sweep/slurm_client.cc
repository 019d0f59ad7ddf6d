#include "cli/sweep/slurm_client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "launcher/slurm/spawn_capture.h"

namespace tearline::slurm {
namespace {

template <typename Number>
std::optional<Number> number_of(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Runs `argv` (argv[0] found on PATH), its standard output and error read
// whole; its exit code is known. Throws SlurmError when it cannot start or
// says too much.
SpawnResult run_program(const std::vector<std::string>& argv) {
  SpawnOptions options;
  options.capture_stderr = true;
  // In a process group of its own, with SIGINT and SIGTERM blocked: a
  // Ctrl-C at the terminal is for tearline to handle (it cancels the jobs),
  // not for a query or a cancel under way. (A group-wide signal sent just
  // after tearline's own, as `timeout` sends, would otherwise reach a child
  // spawned in between, before it leaves the group.)
  options.own_process_group = true;
  options.interrupts_blocked = true;
  options.output_bytes_max = kOutputMaxBytes;
  SpawnResult output = spawn_capture(argv, options);
  if (!output.exit_code) throw SlurmError(output.error);
  if (output.cut) {
    throw SlurmError(fmt::format("{} said more than {} bytes", argv[0], kOutputMaxBytes));
  }
  return output;
}

// The first line of what a command said on its standard error, for messages.
std::string said(const SpawnResult& output) {
  const std::string_view err = output.err;
  const std::string_view line = err.substr(0, std::min(err.find('\n'), size_t{300}));
  return line.empty() ? fmt::format("exit {}", *output.exit_code) : std::string(line);
}

}  // namespace

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view folders = path;
  while (true) {
    const size_t colon = folders.find(':');
    const std::filesystem::path file = std::filesystem::path(folders.substr(0, colon)) / program;
    if (access(file.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    folders.remove_prefix(colon + 1);
  }
}

std::optional<uint64_t> parse_job_id(std::string_view text) {
  if (text.empty() || text.back() != '\n') return std::nullopt;
  text.remove_suffix(1);
  if (const size_t semicolon = text.find(';'); semicolon != std::string_view::npos) {
    const std::string_view cluster = text.substr(semicolon + 1);
    const bool name = !cluster.empty() && std::all_of(cluster.begin(), cluster.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!name) return std::nullopt;
    text = text.substr(0, semicolon);
  }
  const std::optional<uint64_t> id = number_of<uint64_t>(text);
  if (!id || *id == 0) return std::nullopt;
  return id;
}

std::vector<QueuedJob> parse_queue(std::string_view text) {
  std::vector<QueuedJob> jobs;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    if (end == std::string_view::npos) throw SlurmError("squeue: its last line does not end");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    if (jobs.size() == kQueueLinesMax) {
      throw SlurmError(fmt::format("squeue: more than {} lines", kQueueLinesMax));
    }
    std::vector<std::string_view> fields;
    for (size_t start = 0;;) {
      const size_t bar = line.find('|', start);
      fields.push_back(line.substr(start, bar - start));
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    QueuedJob job;
    const std::optional<uint64_t> id =
        fields.size() == 4 ? number_of<uint64_t>(fields[0]) : std::optional<uint64_t>();
    const bool plain = fields.size() == 4 && fields[1] == "N/A";
    if (!plain && fields.size() == 4) job.task = number_of<uint32_t>(fields[1]);
    const bool state = fields.size() == 4 && !fields[2].empty() &&
                       std::all_of(fields[2].begin(), fields[2].end(),
                                   [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
    if (!id || *id == 0 || (!plain && !job.task) || !state) {
      throw SlurmError(
          fmt::format("squeue: not a line of JOB|TASK|STATE|REASON: '{}'", line.substr(0, 200)));
    }
    job.job_id = *id;
    job.state = fields[2];
    job.reason = fields[3];
    jobs.push_back(std::move(job));
  }
  return jobs;
}

uint64_t submit(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  argv.insert(argv.end(), args.begin(), args.end());
  const SpawnResult output = run_program(argv);
  if (*output.exit_code != 0) throw SlurmError("sbatch: " + said(output));
  const std::optional<uint64_t> id = parse_job_id(output.out);
  if (!id) {
    throw SlurmError(
        fmt::format("sbatch --parsable answered '{}', not a job id", output.out.substr(0, 200)));
  }
  return *id;
}

std::vector<QueuedJob> queued(const std::vector<uint64_t>& job_ids) {
  // By user, not --jobs: squeue fails on a job id it has forgotten.
  const SpawnResult output =
      run_program({"squeue", "--noheader", "--array", fmt::format("--user={}", getuid()),
                   "--format=%F|%K|%T|%r"});
  if (*output.exit_code != 0) throw SlurmError("squeue: " + said(output));
  const std::set<uint64_t> wanted(job_ids.begin(), job_ids.end());
  std::vector<QueuedJob> jobs = parse_queue(output.out);
  std::erase_if(jobs, [&](const QueuedJob& job) { return !wanted.contains(job.job_id); });
  return jobs;
}

std::string cancel(const std::vector<uint64_t>& job_ids) {
  std::vector<std::string> argv = {"scancel"};
  for (const uint64_t id : job_ids) argv.push_back(std::to_string(id));
  try {
    const SpawnResult output = run_program(argv);
    return *output.exit_code == 0 ? "" : "scancel: " + said(output);
  } catch (const SlurmError& error) {
    return error.what();
  }
}

}  // namespace tearline::slurm
