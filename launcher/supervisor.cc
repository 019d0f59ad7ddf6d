#include "launcher/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace tearline {

std::string ChildExit::describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return "signal:" + std::string(name ? name : std::to_string(signal));
  }
  return "exit:" + std::to_string(exit_code);
}

Supervisor::~Supervisor() {
  kill_all(SIGKILL);
  wait_all(2000);
  for (auto& [name, child] : children_) {
    if (child.exit_fd >= 0) close(child.exit_fd);
  }
}

pid_t Supervisor::spawn(const std::string& name, const std::vector<std::string>& argv,
                        const std::string& stderr_path, int inherited_fd) {
  // Everything the child needs is prepared before vfork: after it, only
  // async-signal-safe calls that write no memory of the launcher's, then
  // exec. vfork, not fork: fork copied the launcher's page tables for each
  // child, and the launcher grows with the nodes (about 170 KiB each), so
  // starting N nodes cost N times a copy that grows with N.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = vfork();
  if (pid < 0) throw std::runtime_error("cannot start " + name + ": " + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // The launcher died before prctl.
    setpgid(0, 0);  // Ctrl-C reaches the launcher, which stops nodes in order.
    const int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) dup2(fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
      dup2(null_fd, STDIN_FILENO);
      dup2(null_fd, STDOUT_FILENO);
    }
    if (inherited_fd >= 0) fcntl(inherited_fd, F_SETFD, 0);  // Not close-on-exec.
    execvp(args[0], args.data());  // A wrapper (ip, ssh) is found on PATH.
    _exit(127);
  }
  // pidfds are close-on-exec: later children do not inherit them.
  const int exit_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  children_[name] = Child{pid, exit_fd, std::nullopt};
  return pid;
}

std::vector<std::string> Supervisor::reap() {
  collect();
  std::vector<std::string> exited;
  exited.swap(unreported_exits_);
  return exited;
}

void Supervisor::collect() {
  for (auto& [name, child] : children_) {
    if (child.exit) continue;
    int status = 0;
    const pid_t result = waitpid(child.pid, &status, WNOHANG);
    if (result != child.pid) continue;
    ChildExit exit;
    if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
    child.exit = exit;
    if (child.exit_fd >= 0) close(child.exit_fd);
    child.exit_fd = -1;
    unreported_exits_.push_back(name);
  }
}

void Supervisor::wait_all(int timeout_ms) {
  const WallClock::Time deadline = clock_.now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    collect();
    size_t running = 0;
    for (const auto& [name, child] : children_) running += child.exit ? 0 : 1;
    const auto left_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.now()).count();
    if (running == 0 || left_ms <= 0) return;
    std::vector<pollfd> fds;
    for (const int fd : exit_fds()) fds.push_back({fd, POLLIN, 0});
    if (fds.size() == running) {
      poll(fds.data(), fds.size(), static_cast<int>(left_ms));
    } else {
      // A child without a pidfd: nothing to wait on but waitpid itself.
      clock_.wait(std::chrono::milliseconds(std::min<int64_t>(5, left_ms)));
    }
  }
}

std::vector<int> Supervisor::exit_fds() const {
  std::vector<int> fds;
  for (const auto& [name, child] : children_) {
    if (!child.exit && child.exit_fd >= 0) fds.push_back(child.exit_fd);
  }
  return fds;
}

bool Supervisor::may_have_exited() const {
  if (!unreported_exits_.empty()) return true;
  std::vector<pollfd> fds;
  for (const auto& [name, child] : children_) {
    if (child.exit) continue;
    if (child.exit_fd < 0) return true;
    fds.push_back({child.exit_fd, POLLIN, 0});
  }
  return !fds.empty() && poll(fds.data(), fds.size(), 0) > 0;
}

void Supervisor::kill_all(int signal) {
  for (const auto& [name, child] : children_) {
    if (!child.exit) kill(child.pid, signal);
  }
}

bool Supervisor::running(const std::string& name) const {
  auto it = children_.find(name);
  return it != children_.end() && !it->second.exit;
}

std::optional<ChildExit> Supervisor::exit_of(const std::string& name) const {
  auto it = children_.find(name);
  if (it == children_.end()) return std::nullopt;
  return it->second.exit;
}

pid_t Supervisor::pid_of(const std::string& name) const {
  auto it = children_.find(name);
  return it == children_.end() ? -1 : it->second.pid;
}

std::vector<std::string> Supervisor::names() const {
  std::vector<std::string> names;
  for (const auto& [name, child] : children_) names.push_back(name);
  return names;
}

}  // namespace tearline
