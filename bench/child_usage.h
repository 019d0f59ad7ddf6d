// Running a command as a child process and measuring it from outside: wall
// time, CPU time, and peak anonymous memory (heap, stacks, anonymous maps;
// not the trace files a reader maps, which the kernel can drop and read
// again). Used by tearline-bench-read. Not thread-safe: it reaps its child
// with wait4 and must be the only waiter.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tearline::bench {

struct ChildUsage {
  double wall_ms = 0;
  double cpu_ms = 0;  // User plus system, of the child (and its threads).
  // The largest RssAnon of /proc/PID/status seen, sampled every
  // sample_interval while the child runs: a peak shorter than that may be
  // missed.
  uint64_t peak_anon_kib = 0;
  uint64_t peak_rss_kib = 0;  // VmHWM (ru_maxrss): anonymous and file-backed.
  int exit_code = 0;          // 128 + signal when killed by one.
};

// Runs args[0] with args, stdout to /dev/null, stderr to /dev/null too
// unless keep_stderr. Throws std::runtime_error if it cannot be started.
ChildUsage run_measured(const std::vector<std::string>& args,
                        std::chrono::milliseconds sample_interval, bool keep_stderr);

// Runs args[0] with args and returns what it wrote to stdout (at most
// output_bytes_max); throws if it cannot be started.
std::string output_of(const std::vector<std::string>& args, size_t output_bytes_max);

}  // namespace tearline::bench
