#include "model/intelligence.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

v1::ThreatReport full_report() {
  v1::ThreatReport report;
  report.set_report_id("us-manchester-1");
  report.set_trace_id("us-manchester-1");
  report.set_origin_agency("agency.us");
  report.mutable_source()->set_agency("agency.us");
  report.mutable_source()->set_handle("us.insider-7");
  report.mutable_source()->set_value("insider");
  report.set_subject("subject-a");
  report.set_area("manchester");
  report.set_site("arena");
  report.mutable_window()->set_start_h(100);
  report.mutable_window()->set_end_h(120);
  report.set_method("ied");
  report.set_credibility("A1");
  report.set_severity(v1::SEVERITY_CRITICAL);
  report.set_tlp(v1::TLP_AMBER);
  report.set_observed_at_h(12.5);
  return report;
}

TEST(IntelligenceTest, ListsDetailFieldsInOrder) {
  v1::ThreatReport report = full_report();
  EXPECT_EQ(detail_fields(report),
            (std::vector<std::string>{"subject", "area", "site", "window", "method"}));
  EXPECT_EQ(detail_count(report), 5);
  report.clear_area();
  report.clear_window();
  report.set_method("");  // Set but empty carries no detail.
  EXPECT_EQ(detail_fields(report), (std::vector<std::string>{"subject", "site"}));
  EXPECT_EQ(detail_count(v1::ThreatReport()), 0);
}

TEST(IntelligenceTest, ActionableNeedsSubjectAndSiteOrWindow) {
  v1::ThreatReport report = full_report();
  EXPECT_TRUE(has_actionable_detail(report));
  report.clear_site();
  EXPECT_TRUE(has_actionable_detail(report));  // Subject and window.
  report.clear_window();
  EXPECT_FALSE(has_actionable_detail(report));  // Subject, area and method only.
  report.set_site("arena");
  EXPECT_TRUE(has_actionable_detail(report));  // Subject and site.
  report.clear_subject();
  EXPECT_FALSE(has_actionable_detail(report));
}

TEST(IntelligenceTest, ParsesAdmiraltyGradings) {
  int reliability = 0;
  int credibility = 0;
  ASSERT_TRUE(parse_admiralty("B2", &reliability, &credibility));
  EXPECT_EQ(reliability, 2);
  EXPECT_EQ(credibility, 2);
  ASSERT_TRUE(parse_admiralty("F6", &reliability, &credibility));
  EXPECT_EQ(reliability, 6);
  EXPECT_EQ(credibility, 6);
  for (const char* bad : {"", "B", "G1", "A0", "A7", "b2", "2B", "B22", " B2"}) {
    EXPECT_FALSE(parse_admiralty(bad, &reliability, &credibility)) << bad;
  }
}

TEST(IntelligenceTest, RelevanceFollowsTheDocumentedFormula) {
  v1::ThreatReport report = full_report();
  EXPECT_EQ(relevance(report), 100);  // 40 + 30 + 30.
  report.set_credibility("C3");
  report.set_severity(v1::SEVERITY_HIGH);
  EXPECT_EQ(relevance(report), 30 + 30 + 9 + 9);
  report.set_credibility("F6");
  report.set_severity(v1::SEVERITY_LOW);
  report.clear_method();
  EXPECT_EQ(relevance(report), 5 + 24);
  report.set_credibility("nonsense");
  EXPECT_EQ(relevance(report), 5 + 24);
  report.set_severity(v1::SEVERITY_MODERATE);
  EXPECT_EQ(relevance(report), 15 + 24);
  EXPECT_EQ(relevance(v1::ThreatReport()), 0);
}

TEST(IntelligenceTest, RelevanceBoostIsClamped) {
  v1::ThreatReport report = full_report();
  report.set_severity(v1::SEVERITY_LOW);
  const int base = relevance(report);
  EXPECT_EQ(relevance(report, 25), base + 25);
  EXPECT_EQ(relevance(report, 1000), 100);
  EXPECT_EQ(relevance(report, -1000), 0);
}

TEST(IntelligenceTest, SanitisedCopyRanksLowerThanTheOriginal) {
  const v1::ThreatReport report = full_report();
  // Three fields (18 points), the A1 grading (30 points) and critical
  // severity (40 points, now moderate: 15) are gone.
  EXPECT_EQ(relevance(report) - relevance(sanitise(report, "copy")), 18 + 30 + 25);
  EXPECT_EQ(sanitise(report, "copy").credibility(), "F6");
}

TEST(IntelligenceTest, SanitiseStripsSourceRevealingFields) {
  const v1::ThreatReport report = full_report();
  const v1::ThreatReport copy = sanitise(report, "us-manchester-1/tearline");
  EXPECT_EQ(copy.report_id(), "us-manchester-1/tearline");
  EXPECT_EQ(copy.trace_id(), report.trace_id());
  EXPECT_TRUE(copy.sanitised());
  EXPECT_FALSE(copy.has_site());
  EXPECT_FALSE(copy.has_window());
  EXPECT_FALSE(copy.has_method());
  EXPECT_EQ(copy.source().identity_case(), v1::Source::IDENTITY_NOT_SET);
  EXPECT_EQ(copy.source().agency(), "agency.us");
  EXPECT_EQ(copy.source().value(), "insider");
  EXPECT_EQ(copy.subject(), "subject-a");
  EXPECT_EQ(copy.area(), "manchester");
  EXPECT_EQ(copy.origin_agency(), "agency.us");
  EXPECT_EQ(copy.credibility(), "F6");
  EXPECT_EQ(copy.severity(), v1::SEVERITY_MODERATE);
  EXPECT_EQ(copy.tlp(), v1::TLP_AMBER);
  EXPECT_EQ(copy.observed_at_h(), 12.5);
  EXPECT_FALSE(has_actionable_detail(copy));
  // The original is untouched.
  EXPECT_FALSE(report.sanitised());
  EXPECT_EQ(report.source().handle(), "us.insider-7");
}

TEST(IntelligenceTest, SanitiseClearsEveryFormOfSourceIdentity) {
  v1::ThreatReport report = full_report();
  report.mutable_source()->set_sealed("sealed:0123");
  EXPECT_FALSE(sanitise(report, "c").source().has_sealed());
  report.mutable_source()->set_pseudonym("ps-0123");
  EXPECT_FALSE(sanitise(report, "c").source().has_pseudonym());
}

TEST(IntelligenceTest, SeverityNamesRoundTrip) {
  for (v1::Severity severity :
       {v1::SEVERITY_LOW, v1::SEVERITY_MODERATE, v1::SEVERITY_HIGH, v1::SEVERITY_CRITICAL}) {
    v1::Severity parsed = v1::SEVERITY_UNSPECIFIED;
    ASSERT_TRUE(parse_severity(severity_name(severity), &parsed)) << severity_name(severity);
    EXPECT_EQ(parsed, severity);
  }
  EXPECT_EQ(severity_name(v1::SEVERITY_LOW), "low");
  EXPECT_EQ(severity_name(v1::SEVERITY_CRITICAL), "critical");
  v1::Severity parsed = v1::SEVERITY_HIGH;
  for (const char* bad : {"unspecified", "", "High", "severe"}) {
    EXPECT_FALSE(parse_severity(bad, &parsed)) << bad;
  }
  EXPECT_EQ(parsed, v1::SEVERITY_HIGH);
}

TEST(IntelligenceTest, TlpNamesRoundTrip) {
  for (v1::Tlp tlp :
       {v1::TLP_CLEAR, v1::TLP_GREEN, v1::TLP_AMBER, v1::TLP_AMBER_STRICT, v1::TLP_RED}) {
    v1::Tlp parsed = v1::TLP_UNSPECIFIED;
    ASSERT_TRUE(parse_tlp(tlp_name(tlp), &parsed)) << tlp_name(tlp);
    EXPECT_EQ(parsed, tlp);
  }
  EXPECT_EQ(tlp_name(v1::TLP_AMBER_STRICT), "amber+strict");
  EXPECT_EQ(tlp_name(v1::TLP_CLEAR), "clear");
  v1::Tlp parsed = v1::TLP_GREEN;
  for (const char* bad : {"unspecified", "", "AMBER", "amber_strict", "white"}) {
    EXPECT_FALSE(parse_tlp(bad, &parsed)) << bad;
  }
  EXPECT_EQ(parsed, v1::TLP_GREEN);
}

}  // namespace
TEST(IntelligenceTest, IntelFaultVerbsRoundTrip) {
  for (v1::IntelFault::Action action :
       {v1::IntelFault::ACTION_LOSE, v1::IntelFault::ACTION_DELAY, v1::IntelFault::ACTION_WITHHOLD,
        v1::IntelFault::ACTION_SHARE_FULL}) {
    v1::IntelFault::Action parsed = v1::IntelFault::ACTION_UNSPECIFIED;
    ASSERT_TRUE(parse_intel_fault_verb(intel_fault_verb(action), &parsed)) << action;
    EXPECT_EQ(parsed, action);
  }
  EXPECT_EQ(intel_fault_verb(v1::IntelFault::ACTION_SHARE_FULL), "share-full");
  EXPECT_EQ(intel_fault_verb(v1::IntelFault::ACTION_UNSPECIFIED), "");
  v1::IntelFault::Action parsed = v1::IntelFault::ACTION_LOSE;
  for (const std::string bad : {"", "Lose", "share_full", "pause"}) {
    EXPECT_FALSE(parse_intel_fault_verb(bad, &parsed)) << bad;
  }
  EXPECT_EQ(parsed, v1::IntelFault::ACTION_LOSE);  // Untouched by a refusal.
}

}  // namespace tearline
