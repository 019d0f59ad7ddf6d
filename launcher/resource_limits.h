// The limits a run's processes need from the kernel: open files (each node
// holds a socket per peer and a connection from each, the launcher a
// control socket and a pidfd per node) and threads (each node runs a few:
// ZeroMQ's I/O thread and reaper, the ZAP handler). A soft limit below need
// is raised up to the hard one; children inherit it.
#pragma once

#include <cstddef>
#include <string>

namespace tearline {

// Raises this process's soft limits for a run of `processes` node
// processes. Returns "" or an error naming the limit, what is needed and
// how to raise it.
std::string raise_limits_for_run(size_t processes);

// "" if the kernel has task ids for `processes` node processes and their
// threads (every thread takes one, for root too: kernel.pid_max, 32,768 by
// default, bounds a 4,000-node run), else an error naming the setting.
std::string check_task_ids(size_t processes, long pid_max);

}  // namespace tearline
