// The agency's own reports: through its desk and database, shared with
// partners or sent sealed to the broker; receipts; what it holds in flight.
#include "nodes/agency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nodes/agency_fixture.h"
#include "nodes/test_scenario.h"

namespace tearline::test_support {
namespace {

TEST_F(AgencyTest, RejectsANameThatIsNotAnAgency) {
  EXPECT_THROW(make("agency.xx", "bilateral"), std::invalid_argument);
}

TEST_F(AgencyTest, SourceReportGoesThroughTheDeskThenIntoTheDatabase) {
  scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH)};
  AgencyRole agency = make("agency.us", "bilateral");
  FakeContext context("agency.us");
  EXPECT_EQ(agency.next_wake_h(), kReportH);

  agency.advance(context, kReportH - 0.5);
  EXPECT_TRUE(context.events.empty());

  agency.advance(context, 100);
  EXPECT_EQ(context.steps_of("us-1"),
            (std::vector<std::string>{
                "created source@agency.us @10", "queued desk@agency.us @10",
                "dequeued desk@agency.us @10", "served desk@agency.us @12",
                "queued database@agency.us @12", "dequeued database@agency.us @12",
                "served database@agency.us @15", "delivered database@agency.us @15"}));
  const TraceEvent& created = *context.events_of("created", "us-1").at(0);
  EXPECT_EQ(created.trace, "us-1");
  EXPECT_EQ(created.source_kind, "handle");
  EXPECT_EQ(created.source, "us.officer-2");
  EXPECT_EQ(created.source_agency, "agency.us");
  EXPECT_EQ(created.detail,
            (std::vector<std::string>{"subject", "area", "site", "window", "method"}));
  EXPECT_EQ(agency.next_wake_h(), std::nullopt);
}

TEST_F(AgencyTest, BilateralSharingDecidesPerPartner) {
  scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH)};
  AgencyRole agency = make("agency.us", "bilateral");
  FakeContext context("agency.us");
  agency.advance(context, 100);

  // agency.uk (trust 0.95): in full, true handle and all detail.
  const auto to_uk = context.sent_to("agency.uk");
  ASSERT_EQ(to_uk.size(), 1u);
  const v1::Envelope& full = to_uk[0]->envelope;
  EXPECT_EQ(to_uk[0]->at_h, kDeskDoneH);
  EXPECT_FALSE(to_uk[0]->options.resend);
  EXPECT_EQ(full.parent_message_id(), "us-1");
  EXPECT_NE(full.message_id(), "us-1");
  EXPECT_EQ(full.report().report_id(), full.message_id());
  EXPECT_EQ(full.report().trace_id(), "us-1");
  EXPECT_EQ(full.report().source().handle(), "us.officer-2");
  EXPECT_EQ(full.report().site(), "arena");
  EXPECT_TRUE(full.report().has_window());
  EXPECT_EQ(full.report().method(), "ied");
  EXPECT_FALSE(full.report().sanitised());
  EXPECT_EQ(full.report().signature().report_id(), "us-1");  // As it was written.
  EXPECT_EQ(signature_problem(full.report()), std::nullopt);
  const auto shared = context.events_of("shared", full.message_id());
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0]->peer, "agency.uk");
  EXPECT_EQ(shared[0]->handoff, "sharing@agency.us");
  EXPECT_EQ(shared[0]->source_kind, "handle");

  // agency.fr (trust 0.6): a tearline copy, no site, window, method or source.
  const auto to_fr = context.sent_to("agency.fr");
  ASSERT_EQ(to_fr.size(), 1u);
  const v1::Envelope& tearline = to_fr[0]->envelope;
  EXPECT_EQ(tearline.parent_message_id(), "us-1");
  EXPECT_EQ(tearline.report().trace_id(), "us-1");
  EXPECT_TRUE(tearline.report().sanitised());
  EXPECT_FALSE(tearline.report().has_site());
  EXPECT_FALSE(tearline.report().has_window());
  EXPECT_FALSE(tearline.report().has_method());
  EXPECT_EQ(tearline.report().source().identity_case(), v1::Source::IDENTITY_NOT_SET);
  EXPECT_EQ(tearline.report().subject(), "subject.abedi");
  EXPECT_EQ(tearline.report().area(), "manchester");
  EXPECT_FALSE(contains(tearline.SerializeAsString(), "us.officer-2"));
  // A new report of agency.us's, naming the one it was made from.
  EXPECT_EQ(tearline.report().origin_agency(), "agency.us");
  EXPECT_EQ(tearline.report().signature().report_id(), tearline.message_id());
  EXPECT_EQ(tearline.report().signature().parent_report_id(), "us-1");
  EXPECT_EQ(signature_problem(tearline.report()), std::nullopt);
  const auto sanitised = context.events_of("sanitised", tearline.message_id());
  ASSERT_EQ(sanitised.size(), 1u);
  EXPECT_EQ(sanitised[0]->peer, "agency.fr");
  EXPECT_EQ(sanitised[0]->detail, (std::vector<std::string>{"subject", "area"}));
  EXPECT_EQ(sanitised[0]->source_kind, "");

  // agency.ru (trust 0.2): withheld, a terminal loss, nothing sent.
  EXPECT_TRUE(context.sent_to("agency.ru").empty());
  const auto withheld = context.events_of("withheld");
  ASSERT_EQ(withheld.size(), 1u);
  EXPECT_EQ(withheld[0]->peer, "agency.ru");
  EXPECT_EQ(withheld[0]->reason, "withheld:source-protection");
  EXPECT_EQ(withheld[0]->t_h, kDeskDoneH);
  const std::string withheld_id = withheld[0]->msg;
  EXPECT_EQ(context.steps_of(withheld_id),
            (std::vector<std::string>{"created sharing@agency.us @12",
                                      "withheld sharing@agency.us @12"}));
  EXPECT_EQ(context.events_of("created", withheld_id)[0]->parent, "us-1");

  EXPECT_EQ(context.sent.size(), 2u);
  EXPECT_TRUE(context.events_of("sealed").empty());
  // The original is filed at home whatever was shared.
  EXPECT_EQ(context.events_of("delivered", "us-1").size(), 1u);
}

// The why of each decision, as the policy made it: the source value whose
// thresholds applied, the trust in the partner, and those thresholds.
TEST_F(AgencyTest, EachSharingDecisionTracesItsWhy) {
  scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH)};
  AgencyRole agency = make("agency.us", "bilateral");
  FakeContext context("agency.us");
  agency.advance(context, 100);

  struct Expected {
    std::string kind;
    std::string partner;
    double trust;
  };
  for (const Expected& expected :
       {Expected{"shared", "agency.uk", 0.95}, Expected{"sanitised", "agency.fr", 0.6},
        Expected{"withheld", "agency.ru", 0.2}}) {
    const auto events = context.events_of(expected.kind);
    ASSERT_EQ(events.size(), 1u) << expected.kind;
    const TraceEvent& event = *events[0];
    EXPECT_EQ(event.peer, expected.partner);
    EXPECT_EQ(event.source_value, "officer") << expected.kind;
    EXPECT_EQ(event.trust, expected.trust) << expected.kind;
    EXPECT_EQ(event.full_trust_min, 0.9) << expected.kind;
    EXPECT_EQ(event.sanitised_trust_min, 0.5) << expected.kind;
  }
}

TEST_F(AgencyTest, ASourceValueThePolicyDoesNotNameIsDecidedByItsFallback) {
  AgencySpec& us = *std::find_if(scenario_.agencies.begin(), scenario_.agencies.end(),
                                 [](const AgencySpec& spec) { return spec.name == "agency.us"; });
  us.sources.push_back({"us.sensor-1", "technical"});
  us.policy.fallback = {0.2, 0.1};
  scenario_.reports = {full_report("us-3", "agency.us", "us.sensor-1", kReportH)};
  AgencyRole agency = make("agency.us", "bilateral");
  FakeContext context("agency.us");
  agency.advance(context, 100);

  const auto shared = context.events_of("shared");
  ASSERT_EQ(shared.size(), 3u);  // Every partner trusted at 0.2 or more.
  for (const TraceEvent* event : shared) {
    EXPECT_EQ(event->source_value, "fallback") << event->peer;
    EXPECT_EQ(event->full_trust_min, 0.2) << event->peer;
    EXPECT_EQ(event->sanitised_trust_min, 0.1) << event->peer;
  }
}

TEST_F(AgencyTest, AnInsidersReportIsNeverSharedInFull) {
  scenario_.reports = {full_report("us-2", "agency.us", "us.insider-7", kReportH)};
  AgencyRole agency = make("agency.us", "bilateral");
  FakeContext context("agency.us");
  agency.advance(context, 100);
  EXPECT_TRUE(context.events_of("shared").empty());
  for (const FakeContext::Sent& sent : context.sent) {
    EXPECT_TRUE(sent.envelope.report().sanitised()) << "to " << sent.peer;
    EXPECT_FALSE(sent.envelope.report().source().has_handle()) << "to " << sent.peer;
  }
  EXPECT_EQ(context.sent.size(), 2u);  // agency.uk and agency.fr, sanitised.
}

TEST_F(AgencyTest, CoordinatedModeSendsTheSealedReportToTheBroker) {
  scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH)};
  AgencyRole agency = make("agency.us", "coordinated");
  FakeContext context("agency.us");
  agency.advance(context, 100);

  ASSERT_EQ(context.sent.size(), 1u);
  const FakeContext::Sent& sent = context.sent[0];
  EXPECT_EQ(sent.peer, "broker");
  EXPECT_EQ(sent.at_h, kDeskDoneH);
  EXPECT_TRUE(sent.options.resend);
  EXPECT_EQ(sent.options.deadline_h, kDeskDoneH + scenario_.broker.delivery_deadline_h);
  const v1::ThreatReport& report = sent.envelope.report();
  EXPECT_EQ(sent.envelope.parent_message_id(), "us-1");
  EXPECT_EQ(report.trace_id(), "us-1");
  ASSERT_TRUE(report.source().has_sealed());
  EXPECT_EQ(report.source().sealed().rfind("sealed:", 0), 0u);
  EXPECT_EQ(report.source().agency(), "agency.us");
  EXPECT_FALSE(contains(sent.envelope.SerializeAsString(), "us.officer-2"));
  // Operational detail travels in full.
  EXPECT_EQ(report.site(), "arena");
  EXPECT_TRUE(report.has_window());
  EXPECT_FALSE(report.sanitised());

  const auto created = context.events_of("created", sent.envelope.message_id());
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0]->source_kind, "sealed");
  EXPECT_EQ(created[0]->handoff, "agency.us->broker");
  EXPECT_EQ(created[0]->parent, "us-1");
  // No bilateral sharing decisions at all.
  EXPECT_TRUE(context.events_of("shared").empty());
  EXPECT_TRUE(context.events_of("sanitised").empty());
  EXPECT_TRUE(context.events_of("withheld").empty());
  EXPECT_EQ(context.events_of("delivered", "us-1").size(), 1u);
}

TEST_F(AgencyTest, SealingDependsOnTheAgencysKeyNotOnTheSeed) {
  scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH)};
  const SecretKey key = random_secret_key();
  const ReportSigner signer("agency.us", random_signing_seed());
  AgencyRole first(scenario_, "agency.us", "coordinated", random_, key, signer);
  AgencyRole same_key(scenario_, "agency.us", "coordinated", random_, key, signer);
  AgencyRole other_key(scenario_, "agency.us", "coordinated", random_, random_secret_key(), signer);
  FakeContext a("agency.us");
  FakeContext b("agency.us");
  FakeContext c("agency.us");
  first.advance(a, 100);
  same_key.advance(b, 100);
  other_key.advance(c, 100);
  ASSERT_EQ(a.sent.size(), 1u);
  ASSERT_EQ(b.sent.size(), 1u);
  ASSERT_EQ(c.sent.size(), 1u);
  const std::string sealed = a.sent[0].envelope.report().source().sealed();
  EXPECT_EQ(sealed, seal_source(key, "us.officer-2"));
  EXPECT_EQ(b.sent[0].envelope.report().source().sealed(), sealed);
  EXPECT_NE(c.sent[0].envelope.report().source().sealed(), sealed);
}

TEST_F(AgencyTest, TheBrokersCopyOfItsOwnReportIsAReceiptNotFiledAgain) {
  AgencyRole agency = make("agency.us", "coordinated");
  FakeContext context("agency.us");
  v1::Envelope envelope;
  envelope.set_message_id("broker#1");
  envelope.set_sender("broker");
  envelope.mutable_report()->set_trace_id("us-1");
  envelope.mutable_report()->set_severity(v1::SEVERITY_HIGH);
  envelope.mutable_report()->set_tlp(v1::TLP_AMBER);
  agency.on_envelope(context, envelope, 30);
  EXPECT_EQ(context.steps_of("broker#1"),
            (std::vector<std::string>{"delivered receipt@agency.us @30"}));
  EXPECT_EQ(agency.next_wake_h(), std::nullopt);
}

TEST_F(AgencyTest, RecordInFlightCoversDeskAndDatabase) {
  scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH),
                       full_report("us-2", "agency.us", "us.officer-2", kDeskDoneH)};
  AgencyRole agency = make("agency.us", "coordinated");
  FakeContext context("agency.us");
  agency.advance(context, kDeskDoneH + 1);  // us-1 in the database, us-2 at the desk.
  context.events.clear();
  agency.record_in_flight(context, kDeskDoneH + 1);
  std::vector<std::string> held;
  for (const TraceEvent* event : context.events_of("in_flight")) {
    held.push_back(event->msg + " " + event->handoff);
  }
  std::sort(held.begin(), held.end());
  EXPECT_EQ(held, (std::vector<std::string>{"us-1 database@agency.us", "us-2 desk@agency.us"}));

  v1::NodeStatus status;
  agency.fill_status(&status);
  EXPECT_EQ(status.queue_depth_msgs().at("desk@agency.us"), 1u);
  EXPECT_EQ(status.queue_depth_msgs().at("database@agency.us"), 1u);
}

}  // namespace
}  // namespace tearline::test_support
