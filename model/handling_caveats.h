// TLP 2.0 handling caveats (docs/MODEL.md, "Handling caveats"): whether a
// report may go to one receiver beyond its originating agency. The centre
// reads them as it routes, an agency as it answers a unit's poll and as it
// shares with a partner (sharing_policy.h).
#pragma once

#include <string>

#include "tearline/v1/report.pb.h"

namespace tearline {

// What the caveats ask of a receiver.
struct CaveatReceiver {
  // It needs to know: a unit covering the report's area, or a partner the
  // originating agency's sharing policy chose.
  bool needs_to_know = false;
  // It belongs to the originating agency's own country: a unit of one of
  // that country's agencies, or one of those agencies.
  bool in_origin_country = false;
};

// Empty when a report labelled `tlp` may go to `receiver`; otherwise the
// reason of the refusal, named by the label: "withheld:tlp-amber",
// "withheld:tlp-amber-strict" or "withheld:tlp-red". CLEAR and GREEN go to
// anyone; AMBER to those who need to know; AMBER+STRICT to those who need to
// know within the originating country; RED to no one, since a scenario names
// no recipients. `tlp` must be a label (never TLP_UNSPECIFIED, which every
// node's intake refuses).
std::string tlp_refusal(v1::Tlp tlp, const CaveatReceiver& receiver);

}  // namespace tearline
