#include "model/handling_caveats.h"

#include "base/invariant.h"

namespace tearline {

std::string tlp_refusal(v1::Tlp tlp, const CaveatReceiver& receiver) {
  switch (tlp) {
    case v1::TLP_CLEAR:
    case v1::TLP_GREEN:
      return "";
    case v1::TLP_AMBER:
      return receiver.needs_to_know ? "" : "withheld:tlp-amber";
    case v1::TLP_AMBER_STRICT:
      return receiver.needs_to_know && receiver.in_origin_country ? ""
                                                                  : "withheld:tlp-amber-strict";
    case v1::TLP_RED:
      return "withheld:tlp-red";
    default:
      break;
  }
  TEARLINE_ASSERT(false && "a report without a TLP label got past intake");
  return "withheld:tlp-unspecified";
}

}  // namespace tearline
