// The inbound traffic of the broker hop benchmark: envelopes as agency.us
// sends them to the broker in coordinated mode (sealed source, a mix of
// operational detail), each serialized once, before any timing, as the
// tearline.v1.Frame a DEALER would put on the wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace tearline::bench {

// The node that sends every inbound frame (the producer's routing id). One
// sender, as one DEALER: a DEALER per agency would change the ZeroMQ
// traffic of the bare forward too (measured: about 15% fewer msgs/s), and so
// the ratio.
inline constexpr const char* kSenderNode = "agency.us";
// Its distinct sources (sealed with its key), reporting in an irregular
// order: as many as several scenarios' agencies together, so the centre's
// pseudonym cache holds tens of entries.
inline constexpr size_t kSenderSources = 36;

// Scenario hours between two consecutive reports. At 10 h, the broker's
// 720 h correlation window holds 72 reports: more than a default scenario
// run's broker ever holds, so correlation is not made artificially cheap.
inline constexpr double kScenarioHoursPerMessage = 10;

// Areas with exactly one unit each, so every report is routed to one unit.
struct CoveredArea {
  const char* area;
  const char* unit;
};
inline constexpr CoveredArea kCoveredAreas[] = {{"manchester", "unit.manchester"},
                                                {"london", "unit.london"},
                                                {"stpetersburg", "unit.stpetersburg"},
                                                {"newyork", "unit.newyork"}};

// `count` distinct serialized Frame{envelope}s, message ids
// "us-report-1>broker" onwards, sequence numbers from 1, scenario time rising
// by kScenarioHoursPerMessage, sources sealed with a fresh random key.
std::vector<std::string> make_inbound_frames(size_t count);

}  // namespace tearline::bench
