// One trace event as the report's accumulators take it (mode_builder.h):
// the kind as an enum, every string interned. Internal to tearline_report.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tearline::report {

// The kinds the report tells apart (trace.proto lists them all).
enum class Kind : uint8_t {
  kOther,
  kCreated,
  kSent,
  kResent,
  kAttemptLost,
  kReceived,
  kAcked,
  kQueued,
  kDequeued,
  kServed,
  kShared,
  kSanitised,
  kDelivered,
  kWithheld,
  kLost,
  kExpired,
  kActed,
  kInFlight,
  kNodeStarted,
  kNodeStopped,
  kStandbyStopped,
  kFailover,
  kFault,
  kDuplicate,
};

Kind kind_of(std::string_view kind);

// delivered, withheld, lost, expired.
inline bool is_terminal(Kind kind) {
  return kind == Kind::kDelivered || kind == Kind::kWithheld || kind == Kind::kLost ||
         kind == Kind::kExpired;
}
inline bool is_loss(Kind kind) {
  return kind == Kind::kWithheld || kind == Kind::kLost || kind == Kind::kExpired;
}
inline bool is_send(Kind kind) { return kind == Kind::kSent || kind == Kind::kResent; }

struct Step {
  uint64_t order = 0;  // Position in the mode's time order.
  double t_h = 0;
  std::optional<int64_t> wall_ms;
  uint32_t file = 0;  // Index into the mode's files.
  Kind kind = Kind::kOther;
  // Ids in the mode's names (ModeContext::names); 0 when absent.
  uint32_t kind_name = 0, node = 0, trace = 0, peer = 0, handoff = 0, reason = 0;
  // Ids in ModeContext::msgs; 0 when absent.
  uint32_t msg = 0, parent = 0;
  // A loss loss_reason() names: the reason, or the kind when it gives none.
  uint32_t loss_reason = 0;
};

}  // namespace tearline::report
