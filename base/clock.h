// Wall time. Scenario time is never read off a clock: the time authority
// grants it (sync/DESIGN.md). The wall clock only paces a run and stamps
// trace events (their wall_ms).
#pragma once

#include <chrono>
#include <cstdint>

namespace tearline {

// Wall time, Unix epoch milliseconds.
inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tearline
