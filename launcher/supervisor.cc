#include "launcher/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

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
}

pid_t Supervisor::spawn(const std::string& name, const std::vector<std::string>& argv,
                        const std::string& stderr_path) {
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = fork();
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
    execv(args[0], args.data());
    _exit(127);
  }
  children_[name] = Child{pid, std::nullopt};
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
    rusage usage{};
    const pid_t result = wait4(child.pid, &status, WNOHANG, &usage);
    if (result != child.pid) continue;
    ChildExit exit;
    if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
    exit.peak_rss_kib = static_cast<uint64_t>(usage.ru_maxrss);
    child.exit = exit;
    unreported_exits_.push_back(name);
  }
}

void Supervisor::wait_all(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    collect();
    bool any_running = false;
    for (const auto& [name, child] : children_) any_running |= !child.exit.has_value();
    if (!any_running || std::chrono::steady_clock::now() >= deadline) return;
    // No event to await for a child's exit without signal handling; a short
    // bounded poll of waitpid is the plain way.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
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
