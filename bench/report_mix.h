// The inbound traffic of the broker hop benchmark: envelopes as the
// agencies send them to the broker in coordinated mode (sealed source, a mix
// of operational detail), each serialized once, before any timing, as the
// tearline.v1.Frame a DEALER would put on the wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace tearline::bench {

// The agencies that send to the broker, each over its own DEALER (routing
// id `node`), in turns: frame i comes from kSendingAgencies[sender_of(i)].
// Each has kSourcesPerAgency sources of its own, sealed with its own key.
struct SendingAgency {
  const char* node;
  const char* prefix;  // Of its report ids: "us" for "us-report-7".
};
inline constexpr SendingAgency kSendingAgencies[] = {
    {"agency.uk", "uk"}, {"agency.us", "us"}, {"agency.ru", "ru"}};
inline constexpr size_t kSendingAgencyCount = std::size(kSendingAgencies);
inline constexpr size_t kSourcesPerAgency = 12;
inline constexpr size_t sender_of(size_t frame_index) { return frame_index % kSendingAgencyCount; }

// Scenario hours between two consecutive reports. At 10 h, the broker's
// 720 h correlation window holds 72 reports: more than a default scenario
// run's broker ever holds, so correlation is not made artificially cheap.
inline constexpr double kScenarioHoursPerMessage = 10;

// Every kPlotReportPeriod-th report concerns one plot's subject, so the
// agencies in turn report it and the broker correlates it ("correlated",
// boost) while earlier reports are in the window; the others concern
// subjects that do not recur within it.
inline constexpr size_t kPlotReportPeriod = 20;

// Areas with exactly one unit each, so every report is routed to one unit.
struct CoveredArea {
  const char* area;
  const char* unit;
};
inline constexpr CoveredArea kCoveredAreas[] = {{"manchester", "unit.manchester"},
                                                {"london", "unit.london"},
                                                {"stpetersburg", "unit.stpetersburg"},
                                                {"newyork", "unit.newyork"}};

// `count` distinct serialized Frame{envelope}s: frame i from agency
// sender_of(i), with message id "<prefix>-report-<k>>broker" and sequence
// number k for that agency's k-th frame, scenario time rising by
// kScenarioHoursPerMessage from frame to frame. Deterministic.
std::vector<std::string> make_inbound_frames(size_t count, uint64_t seed);

}  // namespace tearline::bench
