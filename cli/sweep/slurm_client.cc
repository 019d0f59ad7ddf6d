#include "cli/sweep/slurm_client.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

extern char** environ;

namespace tearline::slurm {
namespace {

struct Output {
  int exit_code = 0;
  std::string out;
  std::string err;
};

template <typename Number>
std::optional<Number> number_of(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Runs `argv` (argv[0] found on PATH), its standard output and error read
// whole. Throws SlurmError when it cannot start or says too much.
Output run_program(const std::vector<std::string>& argv) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw SlurmError("cannot make a pipe");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw SlurmError("cannot make a pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  arg_pointers.push_back(nullptr);
  // In a process group of its own, with SIGINT and SIGTERM blocked: a
  // Ctrl-C at the terminal is for tearline to handle (it cancels the jobs),
  // not for a query or a cancel under way. (A group-wide signal sent just
  // after tearline's own, as `timeout` sends, would otherwise reach a child
  // spawned in between, before it leaves the group.)
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &blocked);
  pid_t pid = 0;
  const int spawn_error =
      posix_spawnp(&pid, argv[0].c_str(), &actions, &attributes, arg_pointers.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  Output output;
  bool too_much = false;
  if (spawn_error == 0) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* texts[2] = {&output.out, &output.err};
    int open_fds = 2;
    while (open_fds > 0) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        char buffer[65536];
        const ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0 || texts[i]->size() + static_cast<size_t>(got) > kOutputMaxBytes) {
          too_much = too_much || got > 0;
          fds[i].fd = -1;
          --open_fds;
          continue;
        }
        texts[i]->append(buffer, static_cast<size_t>(got));
      }
    }
    if (too_much) kill(pid, SIGKILL);  // It may be blocked writing to a pipe no one reads.
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (spawn_error != 0) {
    throw SlurmError(fmt::format("cannot start {}: {}", argv[0], strerror(spawn_error)));
  }
  if (too_much)
    throw SlurmError(fmt::format("{} said more than {} bytes", argv[0], kOutputMaxBytes));
  return output;
}

// The first line of what a command said on its standard error, for messages.
std::string said(const Output& output) {
  const std::string_view err = output.err;
  const std::string_view line = err.substr(0, std::min(err.find('\n'), size_t{300}));
  return line.empty() ? fmt::format("exit {}", output.exit_code) : std::string(line);
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
  const Output output = run_program(argv);
  if (output.exit_code != 0) throw SlurmError("sbatch: " + said(output));
  const std::optional<uint64_t> id = parse_job_id(output.out);
  if (!id) {
    throw SlurmError(
        fmt::format("sbatch --parsable answered '{}', not a job id", output.out.substr(0, 200)));
  }
  return *id;
}

std::vector<QueuedJob> queued(const std::vector<uint64_t>& job_ids) {
  // By user, not --jobs: squeue fails on a job id it has forgotten.
  const Output output = run_program({"squeue", "--noheader", "--array",
                                     fmt::format("--user={}", getuid()), "--format=%F|%K|%T|%r"});
  if (output.exit_code != 0) throw SlurmError("squeue: " + said(output));
  const std::set<uint64_t> wanted(job_ids.begin(), job_ids.end());
  std::vector<QueuedJob> jobs = parse_queue(output.out);
  std::erase_if(jobs, [&](const QueuedJob& job) { return !wanted.contains(job.job_id); });
  return jobs;
}

std::string cancel(const std::vector<uint64_t>& job_ids) {
  std::vector<std::string> argv = {"scancel"};
  for (const uint64_t id : job_ids) argv.push_back(std::to_string(id));
  try {
    const Output output = run_program(argv);
    return output.exit_code == 0 ? "" : "scancel: " + said(output);
  } catch (const SlurmError& error) {
    return error.what();
  }
}

}  // namespace tearline::slurm
