#include "bench/child_usage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace tearline::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A child started by posix_spawn, its stdout (and maybe stderr) redirected.
pid_t spawn(const std::vector<std::string>& args, int stdout_fd, bool quiet_stderr) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  if (quiet_stderr) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  std::vector<std::string> copies = args;
  std::vector<char*> argv;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args.at(0).c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error(fmt::format("cannot run {}", args[0]));
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// RssAnon of /proc/PID/status in KiB, or 0 once the process is gone.
uint64_t rss_anon_kib(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  constexpr std::string_view kKey = "RssAnon:";
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(kKey)) return std::strtoull(line.c_str() + kKey.size(), nullptr, 10);
  }
  return 0;
}

}  // namespace

ChildUsage run_measured(const std::vector<std::string>& args,
                        std::chrono::milliseconds sample_interval, bool keep_stderr) {
  const auto start = SteadyClock::now();
  const pid_t pid = spawn(args, -1, !keep_stderr);
  // The child's exit makes its pidfd readable: each poll waits for that or
  // for the next sample, whichever comes first.
  // By syscall: Debian 12's <sys/pidfd.h> declares pidfd_open without C
  // linkage.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error(fmt::format("pidfd_open: {}", std::strerror(errno)));
  }
  ChildUsage usage;
  pollfd exited{pidfd, POLLIN, 0};
  while (true) {
    usage.peak_anon_kib = std::max(usage.peak_anon_kib, rss_anon_kib(pid));
    const int ready = ::poll(&exited, 1, static_cast<int>(sample_interval.count()));
    if (ready > 0) break;
    if (ready < 0 && errno != EINTR) break;
  }
  ::close(pidfd);
  int status = 0;
  rusage resources{};
  while (::wait4(pid, &status, 0, &resources) < 0 && errno == EINTR) {
  }
  usage.wall_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
  const auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  usage.cpu_ms = ms(resources.ru_utime) + ms(resources.ru_stime);
  usage.peak_rss_kib = static_cast<uint64_t>(resources.ru_maxrss);
  usage.exit_code = exit_code_of(status);
  return usage;
}

std::string output_of(const std::vector<std::string>& args, size_t output_bytes_max) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = spawn(args, fds[1], true);
  ::close(fds[1]);
  std::string output;
  char buffer[4096];
  for (ssize_t got; (got = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    if (output.size() < output_bytes_max) output.append(buffer, static_cast<size_t>(got));
  }
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return output;
}

}  // namespace tearline::bench
