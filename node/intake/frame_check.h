// What a node checks of every frame before it takes it in (proto/PROTOCOL.md,
// "Limits"): the identity it claims is its authenticated sender's, every
// hour is finite and within the scenario, every enum value known, every
// string within its limit. A frame that fails is rejected whole and traced;
// nothing it carries enters the run.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "scenario/scenario.h"
#include "tearline/v1/frame.pb.h"

namespace tearline {

// The largest serialised data frame a node reads (ZMQ_MAXMSGSIZE of its
// data socket); a report is well under 2 KiB.
inline constexpr size_t kDataFrameBytesMax = 64 * 1024;
// The largest control request (a grant names at most every node once).
inline constexpr size_t kControlRequestBytesMax = 1024 * 1024;
// Ids (message, report, trace), node names, handoffs and source identities.
inline constexpr size_t kIdBytesMax = 128;
// Free text of a report: subject, area, site, method, source value.
inline constexpr size_t kTextBytesMax = 256;
// Hours may lie this far beyond the scenario's end (a frame sent near the
// end arrives after it); nothing later can matter to the run.
inline constexpr double kBeyondEndHoursMax = 24.0 * 365;

struct FrameRejection {
  std::string reason;   // "rejected:<what>", for the trace.
  std::string claimed;  // The identity claimed, where it is not the sender's.
};

// Why `frame`, received from the authenticated node `from`, must be
// rejected; nullopt if it may be taken in.
std::optional<FrameRejection> check_frame(const v1::Frame& frame, const std::string& from,
                                          const Scenario& scenario);

// True if `hour` is finite and within [0, scenario end + kBeyondEndHoursMax].
bool hour_in_range(double hour, const Scenario& scenario);

}  // namespace tearline
