#include "model/sharing_policy.h"

#include "model/handling_caveats.h"

namespace tearline {

std::string share_decision_name(ShareDecision decision) {
  switch (decision) {
    case ShareDecision::kFull:
      return "full";
    case ShareDecision::kSanitised:
      return "sanitised";
    case ShareDecision::kWithheld:
      return "withheld";
  }
  return "unknown";
}

SharingPolicy::Applied SharingPolicy::thresholds_for(const std::string& source_value) const {
  const auto found = by_source_value.find(source_value);
  if (found == by_source_value.end()) return {"fallback", fallback};
  return {source_value, found->second};
}

// Checks in order: TLP, severity, then the source value's trust thresholds.
ShareDecision SharingPolicy::decide(const v1::ThreatReport& report, double partner_trust,
                                    bool partner_in_origin_country, std::string* reason) const {
  // A partner the policy names needs to know; the label decides the rest.
  *reason = tlp_refusal(report.tlp(),
                        {.needs_to_know = true, .in_origin_country = partner_in_origin_country});
  if (!reason->empty()) return ShareDecision::kWithheld;
  if (report.severity() < min_severity) {
    *reason = "withheld:below-severity";
    return ShareDecision::kWithheld;
  }
  const ByValue thresholds = thresholds_for(report.source().value()).thresholds;
  if (partner_trust >= thresholds.full_trust_min) return ShareDecision::kFull;
  if (partner_trust >= thresholds.sanitised_trust_min) return ShareDecision::kSanitised;
  *reason = "withheld:source-protection";
  return ShareDecision::kWithheld;
}

}  // namespace tearline
