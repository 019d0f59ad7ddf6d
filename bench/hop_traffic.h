// What the broker hop benchmark sends through the centre: a scenario made for
// it (one agency, agency.us, the centre and four units, one per area) and
// envelopes as agency.us sends them to the centre in coordinated mode
// (sealed source, signed by agency.us, a mix of operational detail), each
// serialized once, before any timing, as the tearline.v1.Frame a DEALER
// would put on the wire. The real NodeCore and BrokerRole take them in, so
// they pass every check a node makes of a frame (node/intake/frame_check.h,
// node/intake/role_rules.h).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "security/report_signature.h"

namespace tearline::bench {

// The node that sends every inbound frame (the producer's routing id). One
// sender, as one DEALER: a DEALER per agency would change the ZeroMQ
// traffic of the bare forward too (measured: about 15% fewer msgs/s), and so
// the ratio.
inline constexpr const char* kSenderNode = "agency.us";
inline constexpr const char* kCentreNode = "broker";
inline constexpr const char* kStandbyMember = "broker.b";

// Scenario hours between two consecutive reports. At 10 h, the centre's
// 720 h correlation window holds 72 reports: more than a default scenario
// run's centre ever holds, so correlation is not made artificially cheap.
inline constexpr double kScenarioHoursPerMessage = 10;
// A window of the centre ends this long after the last report it took in:
// enough for its officers to serve and route them (service 0.1 h), less
// than the spacing of reports, so no report arrives before its window.
inline constexpr double kWindowTailH = 1;
static_assert(kWindowTailH < kScenarioHoursPerMessage);

struct HopTraffic {
  Scenario scenario;
  // Frames the centre sends on per report (a copy for the unit of its area
  // and one back to agency.us), beside the acknowledgement.
  size_t copies_per_report = 0;
  // The members' public signing keys (agency.us's), for OriginVerifier.
  std::map<std::string, SigningPublicKey> signing_keys;
  // Serialized Frame{envelope}s, message ids "us-report-1>broker" onwards,
  // arriving kScenarioHoursPerMessage apart.
  std::vector<std::string> frames;
};

// `reports` distinct frames, their sources sealed with a fresh random key
// and signed with a fresh random signing key, and the scenario they belong
// to (long enough to hold them).
HopTraffic make_hop_traffic(size_t reports);

}  // namespace tearline::bench
