#include "launcher/slurm/spawn_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

extern char** environ;

namespace tearline {
namespace {

// One captured stream: the read end of its pipe and what came through it.
struct Capture {
  int fd = -1;
  std::string* text = nullptr;
};

enum class Reading { kWhole, kCut, kFailed };

// Reads `captures` together until every one has ended; kCut as soon as one
// says more than `bytes_max` (what fits is kept), kFailed if they cannot
// be polled.
Reading read_whole(const std::vector<Capture>& captures, size_t bytes_max) {
  std::vector<pollfd> fds;
  for (const Capture& capture : captures) fds.push_back({capture.fd, POLLIN, 0});
  size_t open_count = fds.size();
  while (open_count > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return Reading::kFailed;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;  // Polled again.
      if (got <= 0) {                           // Its end (or an error, which ends it too).
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      std::string& text = *captures[i].text;
      const size_t room_bytes = bytes_max - text.size();
      text.append(buffer, std::min(room_bytes, static_cast<size_t>(got)));
      if (static_cast<size_t>(got) > room_bytes) return Reading::kCut;
    }
  }
  return Reading::kWhole;
}

// Starts `argv` as `options` say, its stdout on `out_fd` and, when
// captured, its stderr on `err_fd`; 0, or posix_spawnp's error.
int start_child(const std::vector<std::string>& argv, const SpawnOptions& options, int out_fd,
                int err_fd, pid_t& pid) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_from_dev_null) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  if (options.capture_stderr) posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  short flags = 0;
  if (options.own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  if (options.interrupts_blocked) {
    flags |= POSIX_SPAWN_SETSIGMASK;
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    posix_spawnattr_setsigmask(&attributes, &blocked);
  }
  posix_spawnattr_setflags(&attributes, flags);
  std::vector<std::string> words = argv;
  std::vector<char*> pointers;
  for (std::string& word : words) pointers.push_back(word.data());
  pointers.push_back(nullptr);
  const int error =
      posix_spawnp(&pid, pointers[0], &actions, &attributes, pointers.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return error;
}

}  // namespace

SpawnResult spawn_capture(const std::vector<std::string>& argv, const SpawnOptions& options) {
  SpawnResult result;
  if (argv.empty()) {
    result.error = "no program to start";
    return result;
  }
  int out_pipe[2];
  int err_pipe[2] = {-1, -1};
  // Close-on-exec: only the child's dup2'd copies outlive a spawn.
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.error = "cannot make a pipe";
    return result;
  }
  if (options.capture_stderr && pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    result.error = "cannot make a pipe";
    return result;
  }
  pid_t pid = 0;
  const int spawn_error = start_child(argv, options, out_pipe[1], err_pipe[1], pid);
  close(out_pipe[1]);
  if (options.capture_stderr) close(err_pipe[1]);
  if (spawn_error == 0) {
    std::vector<Capture> captures = {{out_pipe[0], &result.out}};
    if (options.capture_stderr) captures.push_back({err_pipe[0], &result.err});
    const Reading reading = read_whole(captures, options.output_bytes_max);
    result.cut = reading == Reading::kCut;
    // Not read to the end, it may be blocked writing to a pipe no one reads
    // any more (its exit code then says SIGKILL, unless it had ended).
    if (reading != Reading::kWhole) kill(pid, SIGKILL);
  }
  close(out_pipe[0]);
  if (options.capture_stderr) close(err_pipe[0]);
  if (spawn_error != 0) {
    result.error = fmt::format("cannot start {}: {}", argv[0], strerror(spawn_error));
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace tearline
