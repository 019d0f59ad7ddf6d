// The launcher's child processes: started so that none outlives the
// launcher (each gets SIGKILL when the launcher dies, however it dies), reaped
// without blocking, killed on demand.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace tearline {

struct ChildExit {
  int exit_code = -1;  // When it exited.
  int signal = 0;      // When a signal killed it.
  // "exit:0", "signal:KILL".
  std::string describe() const;
  bool clean() const { return signal == 0 && exit_code == 0; }
};

class Supervisor {
 public:
  // Its waits are bounded by `clock`.
  explicit Supervisor(WallClock& clock) : clock_(clock) {}
  ~Supervisor();  // Kills and reaps every child still running.
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts `argv` as child `name`, its stderr appended to `stderr_path`;
  // descriptor `inherited_fd` (if not -1) stays open in it across exec
  // under its number. Throws std::runtime_error if it cannot fork.
  pid_t spawn(const std::string& name, const std::vector<std::string>& argv,
              const std::string& stderr_path, int inherited_fd = -1);
  // Collects every child that has exited; returns the names that exited
  // since the last call (including those wait_all collected).
  std::vector<std::string> reap();
  // Waits up to timeout_ms for every child to exit.
  void wait_all(int timeout_ms);
  // Descriptors that become readable when a running child exits (pidfds), to
  // wait on with poll() beside other events. A child whose pidfd the kernel
  // refused has none; then only reap() finds its exit.
  std::vector<int> exit_fds() const;
  // True if reap() may have something to report: an exit collected but not
  // reported yet, a readable pidfd, or a child without one. At most one
  // poll(), never waits.
  bool may_have_exited() const;
  void kill_all(int signal);

  bool running(const std::string& name) const;
  std::optional<ChildExit> exit_of(const std::string& name) const;
  pid_t pid_of(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  struct Child {
    pid_t pid;
    int exit_fd;  // Its pidfd, or -1; closed once its exit is collected.
    std::optional<ChildExit> exit;
  };
  // Collects exits without reporting them yet.
  void collect();

  WallClock& clock_;
  std::map<std::string, Child> children_;
  std::vector<std::string> unreported_exits_;
};

}  // namespace tearline
