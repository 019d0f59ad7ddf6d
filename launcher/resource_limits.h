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

}  // namespace tearline
