#include "node/intake/role_rules.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

// The small scenario: agency.aa (unit.north) and agency.bb (unit.south),
// partners of each other; a centre, "broker".
class RoleRulesTest : public ::testing::Test {
 protected:
  RoleRulesTest() {
    for (const std::string& name : scenario_.node_names()) {
      seeds_.emplace(name, random_signing_seed());
      public_keys_.emplace(name, signing_public_key(seeds_.at(name)));
    }
    origins_ = OriginVerifier(public_keys_);
  }

  // A report signed by `origin`, about `area`.
  v1::Frame report_frame(const std::string& origin, const std::string& area = "north",
                         bool background = false) const {
    v1::Frame frame;
    frame.set_version(1);
    v1::ThreatReport* report = frame.mutable_envelope()->mutable_report();
    report->set_report_id(origin + "-1");
    report->set_trace_id(origin + "-1");
    report->set_subject("subject-n");
    report->set_area(area);
    report->set_background(background);
    ReportSigner(origin, seeds_.at(origin)).sign(report);
    return frame;
  }

  static v1::Frame ack_frame(const std::string& receiver) {
    v1::Frame frame;
    frame.set_version(1);
    frame.mutable_ack()->set_receiver(receiver);
    return frame;
  }

  static v1::Frame poll_frame(const std::string& unit) {
    v1::Frame frame;
    frame.set_version(1);
    frame.mutable_poll()->set_unit(unit);
    return frame;
  }

  // "" if `to` takes `frame` from `from` in `mode`, else the reason.
  std::string verdict(const std::string& mode, const std::string& from, const std::string& to,
                      const v1::Frame& frame) const {
    const RoleRules rules(scenario_, to, mode, origins_);
    const std::optional<FrameRejection> rejection = rules.check(frame, from);
    return rejection ? rejection->reason : "";
  }

  Scenario scenario_ = load_scenario(TEARLINE_SOURCE_DIR "/scenarios/small.toml");
  std::map<std::string, SigningSeed> seeds_;
  std::map<std::string, SigningPublicKey> public_keys_;
  OriginVerifier origins_;
};

TEST_F(RoleRulesTest, WhatEachRoleMaySayCoordinated) {
  const std::string c = "coordinated";
  EXPECT_EQ(verdict(c, "agency.bb", "broker", report_frame("agency.bb")), "");
  EXPECT_EQ(verdict(c, "broker", "unit.north", report_frame("agency.bb")), "");
  EXPECT_EQ(verdict(c, "broker", "agency.bb", report_frame("agency.bb")), "");
  EXPECT_EQ(verdict(c, "broker", "unit.north", report_frame("broker", "north", true)), "");
  EXPECT_EQ(verdict(c, "agency.aa", "unit.north", report_frame("agency.bb")), "");
  EXPECT_EQ(verdict(c, "unit.north", "agency.aa", poll_frame("unit.north")), "");
  EXPECT_EQ(verdict(c, "unit.north", "broker", ack_frame("unit.north")), "");
  EXPECT_EQ(verdict(c, "broker", "agency.bb", ack_frame("broker")), "");
  EXPECT_EQ(verdict(c, "agency.bb", "broker", ack_frame("agency.bb")), "");
  EXPECT_EQ(verdict(c, "unit.north", "agency.aa", ack_frame("unit.north")), "");
}

TEST_F(RoleRulesTest, WhatNoRoleMaySayCoordinated) {
  const std::string c = "coordinated";
  // Another agency's origin, a forged corroboration.
  EXPECT_EQ(verdict(c, "agency.aa", "broker", report_frame("agency.bb")),
            "rejected:not-its-own-report");
  // A unit sends no reports, to anyone.
  EXPECT_EQ(verdict(c, "unit.south", "broker", report_frame("agency.bb")), "rejected:not-its-role");
  EXPECT_EQ(verdict(c, "unit.south", "unit.north", report_frame("agency.bb")),
            "rejected:not-its-role");
  EXPECT_EQ(verdict(c, "unit.south", "agency.aa", report_frame("agency.bb")),
            "rejected:not-its-role");
  // Partners share only bilaterally.
  EXPECT_EQ(verdict(c, "agency.aa", "agency.bb", report_frame("agency.aa")),
            "rejected:not-in-this-mode");
  // The centre warns only the units of a report's area, and sends an agency
  // only its own reports back.
  EXPECT_EQ(verdict(c, "broker", "unit.north", report_frame("agency.bb", "south")),
            "rejected:another-area");
  EXPECT_EQ(verdict(c, "broker", "agency.aa", report_frame("agency.bb")),
            "rejected:not-the-receiver's-report");
  // The centre writes only background.
  EXPECT_EQ(verdict(c, "broker", "unit.north", report_frame("broker")),
            "rejected:origin-not-an-author");
  // An agency answers only its own units.
  EXPECT_EQ(verdict(c, "agency.aa", "unit.south", report_frame("agency.aa", "south")),
            "rejected:not-its-unit");
  // Polls go from a unit to its own agency only.
  EXPECT_EQ(verdict(c, "unit.north", "agency.bb", poll_frame("unit.north")),
            "rejected:not-its-agency");
  EXPECT_EQ(verdict(c, "unit.north", "broker", poll_frame("unit.north")), "rejected:not-its-role");
  EXPECT_EQ(verdict(c, "agency.aa", "agency.bb", poll_frame("agency.aa")), "rejected:not-its-role");
  // Acknowledgements go back only where a report may have come from.
  EXPECT_EQ(verdict(c, "unit.north", "unit.south", ack_frame("unit.north")),
            "rejected:not-its-role");
  EXPECT_EQ(verdict(c, "unit.north", "agency.bb", ack_frame("unit.north")),
            "rejected:not-its-unit");
}

TEST_F(RoleRulesTest, WhatEachRoleMaySayBilaterally) {
  const std::string b = "bilateral";
  EXPECT_EQ(verdict(b, "agency.aa", "agency.bb", report_frame("agency.aa")), "");
  EXPECT_EQ(verdict(b, "agency.bb", "agency.aa", ack_frame("agency.bb")), "");
  EXPECT_EQ(verdict(b, "agency.aa", "unit.north", report_frame("agency.bb")), "");
  EXPECT_EQ(verdict(b, "agency.aa", "agency.bb", report_frame("agency.bb")),
            "rejected:not-its-own-report");
  EXPECT_EQ(verdict(b, "unit.south", "agency.aa", report_frame("agency.bb")),
            "rejected:not-its-role");
  EXPECT_EQ(verdict(b, "broker", "unit.north", report_frame("agency.bb")),
            "rejected:not-in-this-mode");
  EXPECT_EQ(verdict(b, "agency.bb", "broker", report_frame("agency.bb")),
            "rejected:not-in-this-mode");
}

TEST_F(RoleRulesTest, OnlyThePartnersAnAgencySharesWithMayShareWithIt) {
  scenario_.agencies[0].partners.clear();  // agency.aa shares with nobody.
  ASSERT_EQ(scenario_.agencies[0].name, "agency.aa");
  EXPECT_EQ(verdict("bilateral", "agency.aa", "agency.bb", report_frame("agency.aa")),
            "rejected:not-a-partner");
  EXPECT_EQ(verdict("bilateral", "agency.bb", "agency.aa", ack_frame("agency.bb")),
            "rejected:not-a-partner");
  EXPECT_EQ(verdict("bilateral", "agency.bb", "agency.aa", report_frame("agency.bb")), "");
}

TEST_F(RoleRulesTest, AReportItsOriginDidNotSignIsRefusedWhereverItComesFrom) {
  v1::Frame tampered = report_frame("agency.bb");
  tampered.mutable_envelope()->mutable_report()->set_site("station");
  EXPECT_EQ(verdict("coordinated", "broker", "unit.north", tampered), "rejected:bad-signature");
  EXPECT_EQ(verdict("coordinated", "agency.bb", "broker", tampered), "rejected:bad-signature");
  v1::Frame unsigned_report = report_frame("agency.bb");
  unsigned_report.mutable_envelope()->mutable_report()->clear_signature();
  EXPECT_EQ(verdict("bilateral", "agency.bb", "agency.aa", unsigned_report), "rejected:unsigned");
  const RoleRules rules(scenario_, "unit.north", "coordinated", origins_);
  const std::optional<FrameRejection> rejection = rules.check(tampered, "broker");
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->claimed, "agency.bb");
}

}  // namespace
}  // namespace tearline
