#include "model/sharing_policy.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

v1::ThreatReport report_from(const std::string& source_value, v1::Severity severity,
                             v1::Tlp tlp = v1::TLP_AMBER) {
  v1::ThreatReport report;
  report.mutable_source()->set_value(source_value);
  report.set_severity(severity);
  report.set_tlp(tlp);
  return report;
}

// Whether the partner belongs to the report's originating country.
constexpr bool kForeign = false;
constexpr bool kSameCountry = true;

SharingPolicy insider_policy() {
  SharingPolicy policy;
  policy.min_severity = v1::SEVERITY_MODERATE;
  policy.by_source_value["insider"] = {.full_trust_min = 0.9, .sanitised_trust_min = 0.4};
  policy.by_source_value["open"] = {.full_trust_min = 0, .sanitised_trust_min = 0};
  policy.fallback = {.full_trust_min = 0.7, .sanitised_trust_min = 0.2};
  return policy;
}

TEST(SharingPolicyTest, TrustDecidesBetweenFullSanitisedAndWithheld) {
  const SharingPolicy policy = insider_policy();
  const v1::ThreatReport report = report_from("insider", v1::SEVERITY_HIGH);
  std::string reason = "stale";
  EXPECT_EQ(policy.decide(report, 0.95, kForeign, &reason), ShareDecision::kFull);
  EXPECT_EQ(reason, "");
  EXPECT_EQ(policy.decide(report, 0.9, kForeign, &reason), ShareDecision::kFull);  // Inclusive.
  EXPECT_EQ(policy.decide(report, 0.6, kForeign, &reason), ShareDecision::kSanitised);
  EXPECT_EQ(policy.decide(report, 0.4, kForeign, &reason), ShareDecision::kSanitised);
  EXPECT_EQ(policy.decide(report, 0.3, kForeign, &reason), ShareDecision::kWithheld);
  EXPECT_EQ(reason, "withheld:source-protection");
}

TEST(SharingPolicyTest, UnknownSourceValuesUseTheFallback) {
  const SharingPolicy policy = insider_policy();
  std::string reason;
  const v1::ThreatReport report = report_from("technical", v1::SEVERITY_HIGH);
  EXPECT_EQ(policy.decide(report, 0.75, kForeign, &reason), ShareDecision::kFull);
  EXPECT_EQ(policy.decide(report, 0.5, kForeign, &reason), ShareDecision::kSanitised);
  EXPECT_EQ(policy.decide(report, 0.1, kForeign, &reason), ShareDecision::kWithheld);
  EXPECT_EQ(policy.decide(report_from("open", v1::SEVERITY_HIGH), 0, kForeign, &reason),
            ShareDecision::kFull);
}

TEST(SharingPolicyTest, NamesTheThresholdsItApplies) {
  const SharingPolicy policy = insider_policy();
  const SharingPolicy::Applied insider = policy.thresholds_for("insider");
  EXPECT_EQ(insider.source_value, "insider");
  EXPECT_EQ(insider.thresholds.full_trust_min, 0.9);
  EXPECT_EQ(insider.thresholds.sanitised_trust_min, 0.4);
  // A value the policy does not name, or none at all: the fallback's.
  for (const std::string value : {"technical", ""}) {
    const SharingPolicy::Applied applied = policy.thresholds_for(value);
    EXPECT_EQ(applied.source_value, "fallback") << value;
    EXPECT_EQ(applied.thresholds.full_trust_min, 0.7) << value;
    EXPECT_EQ(applied.thresholds.sanitised_trust_min, 0.2) << value;
  }
}

TEST(SharingPolicyTest, DefaultsNeverShareInFull) {
  const SharingPolicy policy;
  std::string reason;
  const v1::ThreatReport report = report_from("insider", v1::SEVERITY_CRITICAL);
  EXPECT_EQ(policy.decide(report, 1.0, kForeign, &reason), ShareDecision::kSanitised);
}

TEST(SharingPolicyTest, WithholdsReportsBelowTheMinimumSeverity) {
  const SharingPolicy policy = insider_policy();
  std::string reason;
  EXPECT_EQ(policy.decide(report_from("open", v1::SEVERITY_LOW), 1.0, kForeign, &reason),
            ShareDecision::kWithheld);
  EXPECT_EQ(reason, "withheld:below-severity");
  EXPECT_EQ(policy.decide(report_from("open", v1::SEVERITY_MODERATE), 1.0, kForeign, &reason),
            ShareDecision::kFull);
  EXPECT_EQ(policy.decide(report_from("open", v1::SEVERITY_UNSPECIFIED), 1.0, kForeign, &reason),
            ShareDecision::kWithheld);
}

TEST(SharingPolicyTest, NeverSharesTlpRed) {
  const SharingPolicy policy = insider_policy();
  std::string reason;
  for (const bool in_country : {kForeign, kSameCountry}) {
    EXPECT_EQ(policy.decide(report_from("open", v1::SEVERITY_CRITICAL, v1::TLP_RED), 1.0,
                            in_country, &reason),
              ShareDecision::kWithheld);
    EXPECT_EQ(reason, "withheld:tlp-red");
  }
}

// TLP 2.0's AMBER+STRICT keeps a report within its originating country: a
// foreign partner never gets it, however trusted; a partner of the same
// country does, under the policy's thresholds.
TEST(SharingPolicyTest, SharesAmberStrictOnlyWithinTheOriginatingCountry) {
  const SharingPolicy policy = insider_policy();
  const v1::ThreatReport strict = report_from("open", v1::SEVERITY_CRITICAL, v1::TLP_AMBER_STRICT);
  std::string reason;
  EXPECT_EQ(policy.decide(strict, 1.0, kForeign, &reason), ShareDecision::kWithheld);
  EXPECT_EQ(reason, "withheld:tlp-amber-strict");
  EXPECT_EQ(policy.decide(strict, 1.0, kSameCountry, &reason), ShareDecision::kFull);
  EXPECT_EQ(reason, "");
  // AMBER, GREEN and CLEAR go to a foreign partner the policy names.
  for (const v1::Tlp tlp : {v1::TLP_AMBER, v1::TLP_GREEN, v1::TLP_CLEAR}) {
    EXPECT_EQ(
        policy.decide(report_from("open", v1::SEVERITY_CRITICAL, tlp), 1.0, kForeign, &reason),
        ShareDecision::kFull)
        << tlp;
  }
}

TEST(SharingPolicyTest, NamesDecisions) {
  EXPECT_EQ(share_decision_name(ShareDecision::kFull), "full");
  EXPECT_EQ(share_decision_name(ShareDecision::kSanitised), "sanitised");
  EXPECT_EQ(share_decision_name(ShareDecision::kWithheld), "withheld");
}

}  // namespace
}  // namespace tearline
