#include "launcher/resource_limits.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace tearline {
namespace {

// With room to spare: on a 1,000-node run the launcher held 3,016
// descriptors (per node a control socket's mailbox and connection, and a
// pidfd) and every process ran 4 threads. A centre holds at most 3 per peer
// (its socket's mailbox and connection, and the peer's connection to it).
constexpr rlim_t kFilesPerProcess = 4;
constexpr rlim_t kFilesBase = 256;
constexpr rlim_t kThreadsPerProcess = 6;
constexpr rlim_t kThreadsBase = 256;

std::string raise(int resource, const char* what, const char* shell_flag, rlim_t needed) {
  rlimit limit{};
  if (getrlimit(resource, &limit) != 0) {
    return fmt::format("cannot read the limit on {}: {}", what, std::strerror(errno));
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) return "";
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return fmt::format(
        "this run needs about {} {}, but the hard limit is {} (ulimit -H{}); raise it (as root, "
        "or in /etc/security/limits.conf) or run a smaller scenario",
        needed, what, limit.rlim_max, shell_flag);
  }
  limit.rlim_cur = needed;
  if (setrlimit(resource, &limit) != 0) {
    return fmt::format("cannot raise the limit on {} to {}: {}", what, needed,
                       std::strerror(errno));
  }
  return "";
}

}  // namespace

std::string raise_limits_for_run(size_t processes) {
  const rlim_t count = static_cast<rlim_t>(processes);
  std::string error =
      raise(RLIMIT_NOFILE, "open files", "n", kFilesBase + kFilesPerProcess * count);
  // Root's threads are not counted against RLIMIT_NPROC.
  if (error.empty() && geteuid() != 0) {
    error = raise(RLIMIT_NPROC, "processes and threads", "u",
                  kThreadsBase + kThreadsPerProcess * count);
  }
  long pid_max = 0;
  if (std::ifstream in("/proc/sys/kernel/pid_max"); error.empty() && in >> pid_max) {
    error = check_task_ids(processes, pid_max);
  }
  return error;
}

std::string check_task_ids(size_t processes, long pid_max) {
  const rlim_t needed = kThreadsBase + kThreadsPerProcess * static_cast<rlim_t>(processes);
  if (pid_max <= 0 || needed <= static_cast<rlim_t>(pid_max)) return "";
  return fmt::format(
      "this run needs about {} threads, but the kernel has {} task ids (kernel.pid_max); raise it "
      "(as root: sysctl kernel.pid_max={}) or run a smaller scenario",
      needed, pid_max, 2 * needed);
}

}  // namespace tearline
