// How long ProcessHost (process_host.cc, process_round.cc, process_waits.cc)
// waits for its processes, in wall time.
#pragma once

#include <chrono>

namespace tearline {

// A process has this long to answer its first request, or a command.
constexpr auto kStartupTimeout = std::chrono::seconds(10);
// Processes have this long to stop, or to finish a round once interrupted.
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kExitTimeoutMs = 5000;
// A round still waiting after this long is named on stderr: a node stopped
// from outside stalls the run, since scenario time waits for it.
constexpr auto kStallNotice = std::chrono::seconds(5);
constexpr auto kPollStep = std::chrono::milliseconds(50);
// A passive copy or a node's received frames have this long to catch up,
// looked at again after each retry step.
constexpr auto kCatchUpPatience = std::chrono::seconds(5);
constexpr auto kCatchUpRetry = std::chrono::milliseconds(1);

}  // namespace tearline
