#include "security/report_signature.h"

#include <gtest/gtest.h>

#include <functional>

namespace tearline {
namespace {

v1::ThreatReport warning() {
  v1::ThreatReport report;
  report.set_report_id("bb-north-1");
  report.set_trace_id("bb-north-1");
  report.mutable_source()->set_agency("agency.bb");
  report.mutable_source()->set_sealed("sealed:0123");
  report.mutable_source()->set_value("insider");
  report.set_subject("subject-n");
  report.set_area("north");
  report.set_site("station");
  report.mutable_window()->set_start_h(190);
  report.mutable_window()->set_end_h(210);
  report.set_method("ied");
  report.set_credibility("B2");
  report.set_severity(v1::SEVERITY_HIGH);
  report.set_tlp(v1::TLP_AMBER);
  report.set_observed_at_h(24);
  return report;
}

class ReportSignatureTest : public ::testing::Test {
 protected:
  const SigningSeed aa_seed_ = random_signing_seed();
  const SigningSeed bb_seed_ = random_signing_seed();
  const ReportSigner aa_{"agency.aa", aa_seed_};
  const ReportSigner bb_{"agency.bb", bb_seed_};
  const OriginVerifier origins_{
      {{"agency.aa", signing_public_key(aa_seed_)}, {"agency.bb", signing_public_key(bb_seed_)}}};

  v1::ThreatReport signed_warning() const {
    v1::ThreatReport report = warning();
    bb_.sign(&report);
    return report;
  }
};

TEST_F(ReportSignatureTest, AReportItsOriginSignedVerifies) {
  const v1::ThreatReport report = signed_warning();
  EXPECT_EQ(report.origin_agency(), "agency.bb");
  EXPECT_EQ(report.signature().report_id(), "bb-north-1");
  EXPECT_EQ(report.signature().ed25519().size(), 64u);
  EXPECT_EQ(origins_.problem(report), std::nullopt);
}

TEST_F(ReportSignatureTest, EveryFieldTheAuthorWroteIsCovered) {
  const std::vector<std::pair<const char*, std::function<void(v1::ThreatReport*)>>> changes = {
      {"signed id", [](auto* r) { r->mutable_signature()->set_report_id("bb-north-2"); }},
      {"parent", [](auto* r) { r->mutable_signature()->set_parent_report_id("x"); }},
      {"trace", [](auto* r) { r->set_trace_id("bb-north-2"); }},
      {"origin", [](auto* r) { r->set_origin_agency("agency.aa"); }},
      {"source agency", [](auto* r) { r->mutable_source()->set_agency("agency.aa"); }},
      {"source value", [](auto* r) { r->mutable_source()->set_value("open"); }},
      {"subject", [](auto* r) { r->set_subject("subject-m"); }},
      {"subject absent", [](auto* r) { r->clear_subject(); }},
      {"subject empty", [](auto* r) { r->set_subject(""); }},
      {"area", [](auto* r) { r->set_area("south"); }},
      {"site", [](auto* r) { r->clear_site(); }},
      {"window start", [](auto* r) { r->mutable_window()->set_start_h(191); }},
      {"window end", [](auto* r) { r->mutable_window()->set_end_h(209); }},
      {"method", [](auto* r) { r->set_method("knife"); }},
      {"credibility", [](auto* r) { r->set_credibility("A1"); }},
      {"severity", [](auto* r) { r->set_severity(v1::SEVERITY_CRITICAL); }},
      {"tlp", [](auto* r) { r->set_tlp(v1::TLP_CLEAR); }},
      {"background", [](auto* r) { r->set_background(true); }},
      {"sanitised", [](auto* r) { r->set_sanitised(true); }},
      {"observed", [](auto* r) { r->set_observed_at_h(25); }},
      {"signature bytes", [](auto* r) { (*r->mutable_signature()->mutable_ed25519())[0] ^= 1; }},
  };
  for (const auto& [what, change] : changes) {
    v1::ThreatReport report = signed_warning();
    change(&report);
    EXPECT_NE(origins_.problem(report), std::nullopt) << what;
  }
}

TEST_F(ReportSignatureTest, WhatLaterHopsChangeByDesignIsNotCovered) {
  v1::ThreatReport report = signed_warning();
  report.set_report_id("bb-north-1>broker>unit.north");  // Every copy has its own id.
  report.mutable_source()->set_pseudonym("ps-0123");     // The centre's cipher.
  EXPECT_EQ(origins_.problem(report), std::nullopt);
  report.mutable_source()->clear_identity();  // What a unit gets.
  EXPECT_EQ(origins_.problem(report), std::nullopt);
}

TEST_F(ReportSignatureTest, AnotherMembersKeyCannotSpeakForTheOrigin) {
  v1::ThreatReport report = warning();
  aa_.sign(&report);                      // agency.aa signs...
  report.set_origin_agency("agency.bb");  // ...and claims agency.bb wrote it.
  EXPECT_EQ(origins_.problem(report), "bad-signature");
}

TEST_F(ReportSignatureTest, UnsignedAndUnknownOriginsAreNamed) {
  v1::ThreatReport report = warning();
  report.set_origin_agency("agency.bb");
  EXPECT_EQ(origins_.problem(report), "unsigned");
  const ReportSigner stranger("agency.cc", random_signing_seed());
  stranger.sign(&report);
  EXPECT_EQ(origins_.problem(report), "unknown-origin");
}

TEST_F(ReportSignatureTest, ATearlineCopyIsANewReportNamingItsParent) {
  const v1::ThreatReport original = signed_warning();
  v1::ThreatReport copy = original;
  copy.set_report_id("bb-north-1>agency.aa");
  copy.clear_site();
  copy.clear_window();
  copy.set_sanitised(true);
  EXPECT_EQ(origins_.problem(copy), "bad-signature");  // Not what the author signed.
  bb_.sign(&copy, original.signature().report_id());
  EXPECT_EQ(copy.signature().parent_report_id(), "bb-north-1");
  EXPECT_EQ(origins_.problem(copy), std::nullopt);
}

TEST_F(ReportSignatureTest, AnAuthorSignsOnlyItsOwnReportsAndOnlyOnce) {
  v1::ThreatReport theirs = warning();
  theirs.set_origin_agency("agency.bb");
  aa_.sign_if_own(&theirs);
  EXPECT_FALSE(theirs.has_signature());
  v1::ThreatReport own = warning();
  own.set_origin_agency("agency.aa");
  aa_.sign_if_own(&own);
  EXPECT_EQ(origins_.problem(own), std::nullopt);
  v1::ThreatReport copy = own;
  copy.set_report_id("bb-north-1>unit.north");  // A copy keeps what was signed.
  aa_.sign_if_own(&copy);
  EXPECT_EQ(copy.signature().SerializeAsString(), own.signature().SerializeAsString());
}

TEST_F(ReportSignatureTest, TheEncodingIsTheOneProtocolMdGives) {
  v1::ThreatReport report;
  report.mutable_signature()->set_report_id("r");
  report.set_trace_id("t");
  report.set_origin_agency("a");
  report.set_subject("s");
  report.set_severity(v1::SEVERITY_LOW);
  report.set_tlp(v1::TLP_GREEN);
  report.set_observed_at_h(1.5);
  const std::string expected = std::string("tearline.v1.ThreatReport.signature\n") +
                               std::string("\x01\0\0\0\x01r", 6) +
                               std::string("\x03\0\0\0\x01t", 6) +
                               std::string(
                                   "\x04\0\0\0\x01"
                                   "a",
                                   6) +
                               std::string("\x05\0\0\0\0", 5) + std::string("\x06\0\0\0\0", 5) +
                               std::string("\x07\0\0\0\x01s", 6) + std::string("\x0d\0\0\0\0", 5) +
                               std::string("\x0e\0\0\0\x01", 5) + std::string("\x0f\0\0\0\x02", 5) +
                               std::string("\x10\0", 2) + std::string("\x11\0", 2) +
                               std::string("\x12\x3f\xf8\0\0\0\0\0\0", 9);
  EXPECT_EQ(canonical_report_bytes(report), expected);
}

}  // namespace
}  // namespace tearline
