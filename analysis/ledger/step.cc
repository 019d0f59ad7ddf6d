#include "analysis/ledger/step.h"

#include <array>
#include <utility>

namespace tearline::report {

Kind kind_of(std::string_view kind) {
  static constexpr std::array<std::pair<std::string_view, Kind>, 23> kKinds = {{
      {"created", Kind::kCreated},
      {"sent", Kind::kSent},
      {"resent", Kind::kResent},
      {"attempt_lost", Kind::kAttemptLost},
      {"received", Kind::kReceived},
      {"acked", Kind::kAcked},
      {"queued", Kind::kQueued},
      {"dequeued", Kind::kDequeued},
      {"served", Kind::kServed},
      {"shared", Kind::kShared},
      {"sanitised", Kind::kSanitised},
      {"delivered", Kind::kDelivered},
      {"withheld", Kind::kWithheld},
      {"lost", Kind::kLost},
      {"expired", Kind::kExpired},
      {"acted", Kind::kActed},
      {"in_flight", Kind::kInFlight},
      {"node_started", Kind::kNodeStarted},
      {"node_stopped", Kind::kNodeStopped},
      {"standby_stopped", Kind::kStandbyStopped},
      {"failover", Kind::kFailover},
      {"fault", Kind::kFault},
      {"duplicate", Kind::kDuplicate},
  }};
  for (const auto& [name, value] : kKinds) {
    if (name == kind) return value;
  }
  return Kind::kOther;
}

}  // namespace tearline::report
