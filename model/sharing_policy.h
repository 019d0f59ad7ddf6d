// An agency's decision, per report and partner, to share a report in full,
// share a sanitised copy, or withhold it (docs/MODEL.md, "the sharing decision").
#pragma once

#include <map>
#include <string>

#include "tearline/v1/report.pb.h"

namespace tearline {

enum class ShareDecision { kFull, kSanitised, kWithheld };

std::string share_decision_name(ShareDecision decision);  // "full", "sanitised", "withheld"

struct SharingPolicy {
  // Per source value ("insider", "officer", "technical", "open"): the partner
  // trust (0..1) needed to share in full, and to share sanitised.
  struct ByValue {
    double full_trust_min = 1.1;  // > 1: never in full.
    double sanitised_trust_min = 0;
  };

  // Reports less severe than this are not shared at all.
  v1::Severity min_severity = v1::SEVERITY_LOW;
  std::map<std::string, ByValue> by_source_value;
  // Used for a source value missing from by_source_value.
  ByValue fallback;

  // The thresholds decide() applies to a report of `source_value`, and the
  // name they go by in traces: the value itself, or "fallback" when the
  // policy names no such value (a report without one included).
  struct Applied {
    std::string source_value;
    ByValue thresholds;
  };
  Applied thresholds_for(const std::string& source_value) const;

  // Decides for one report and one partner, which belongs to the report's
  // originating country or not. For kWithheld sets *reason to
  // "withheld:below-severity" or "withheld:source-protection", or, first,
  // to what its TLP label refuses (handling_caveats.h): RED is never
  // shared ("withheld:tlp-red"), AMBER+STRICT never outside the originating
  // country ("withheld:tlp-amber-strict").
  ShareDecision decide(const v1::ThreatReport& report, double partner_trust,
                       bool partner_in_origin_country, std::string* reason) const;
};

}  // namespace tearline
