// Wall time. Scenario time is never read off a clock: the time authority
// grants it (sync/DESIGN.md). The wall clock only paces a run, bounds its
// waits and stamps trace events (their wall_ms).
//
// The launcher reads it through WallClock, handed to what it builds, so that
// its pacing and timeouts run on a FakeClock in tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <thread>

#include "base/invariant.h"

namespace tearline {

// Wall time, Unix epoch milliseconds.
inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class WallClock {
 public:
  using Time = std::chrono::steady_clock::time_point;

  virtual ~WallClock() = default;
  // Monotonic time, for pacing and deadlines.
  virtual Time now() const = 0;
  // Unix epoch milliseconds, to stamp trace events.
  virtual int64_t unix_ms() const = 0;
  // Lets `duration` pass, where nothing but time is awaited.
  virtual void wait(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public WallClock {
 public:
  Time now() const override { return std::chrono::steady_clock::now(); }
  int64_t unix_ms() const override { return unix_now_ms(); }
  void wait(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

// The machine's clock, one for the process.
inline WallClock& system_clock() {
  static SystemClock clock;
  return clock;
}

// The local time of `clock` as a folder name's stamp: "20170522-213100".
inline std::string folder_stamp(const WallClock& clock) {
  const std::time_t now = static_cast<std::time_t>(clock.unix_ms() / 1000);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  return stamp;
}

// A clock that moves only when it is waited on or advanced: a test decides
// what time it is.
class FakeClock final : public WallClock {
 public:
  // 2017-05-22 00:00 UTC, an arbitrary fixed start.
  static constexpr int64_t kStartUnixMs = 1'495'411'200'000;

  Time now() const override { return Time{} + elapsed_; }
  int64_t unix_ms() const override {
    return kStartUnixMs + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed_).count();
  }
  void wait(std::chrono::milliseconds duration) override { advance(duration); }

  void advance(std::chrono::nanoseconds duration) {
    TEARLINE_ASSERT(duration.count() >= 0);  // Monotonic.
    elapsed_ += duration;
  }

 private:
  std::chrono::nanoseconds elapsed_{0};
};

}  // namespace tearline
