// A process's own peak resident memory. getrusage's ru_maxrss will not do:
// Linux carries it across execve, so a node's would include its launcher's
// memory at the fork. VmHWM belongs to the current address space alone.
#pragma once

#include <cstdint>

namespace tearline {

// The high-water mark of this process's resident memory since its last
// execve, in KiB; 0 if /proc cannot say.
uint64_t peak_resident_kib();

}  // namespace tearline
