#include "nodes/agency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nodes/test_scenario.h"

namespace tearline {
namespace {

using test_support::FakeContext;
using test_support::full_report;
using test_support::kDatabaseServiceH;
using test_support::kDeskServiceH;

// The report at 10 h leaves the desk at 12 h and is filed at 15 h.
constexpr double kReportH = 10;
constexpr double kDeskDoneH = kReportH + kDeskServiceH;
constexpr double kFiledH = kDeskDoneH + kDatabaseServiceH;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class AgencyTest : public ::testing::Test {
 protected:
  AgencyRole make(const std::string& name, const std::string& mode) {
    return AgencyRole(scenario_, name, mode, random_, random_secret_key(),
                      ReportSigner(name, signing_seed_));
  }

  // Whether `report`'s origin signed it, every agency signing with
  // signing_seed_ here.
  std::optional<std::string> signature_problem(const v1::ThreatReport& report) const {
    std::map<std::string, SigningPublicKey> keys;
    for (const AgencySpec& agency : scenario_.agencies) {
      keys[agency.name] = signing_public_key(signing_seed_);
    }
    return OriginVerifier(keys).problem(report);
  }

  const SigningSeed signing_seed_ = random_signing_seed();

  Scenario scenario_ = test_support::role_scenario();
  Random random_{1};
};

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

class AgencyPollTest : public AgencyTest {
 protected:
  void SetUp() override {
    scenario_.reports = {full_report("uk-man-1", "agency.uk", "uk.insider-1", kReportH),
                         full_report("uk-lon-1", "agency.uk", "uk.insider-1", 20),
                         full_report("uk-man-2", "agency.uk", "uk.insider-1", 60)};
    scenario_.reports[1].area = "london";
  }

  static v1::PollRequest poll(const std::string& unit, const std::string& area, double at_h) {
    v1::PollRequest request;
    request.set_unit(unit);
    request.set_area(area);
    request.set_at_h(at_h);
    return request;
  }

  // Trace ids of the reports sent to `unit`.
  static std::vector<std::string> traces_sent_to(const FakeContext& context,
                                                 const std::string& unit) {
    std::vector<std::string> traces;
    for (const auto* sent : context.sent_to(unit))
      traces.push_back(sent->envelope.report().trace_id());
    return traces;
  }
};

TEST_F(AgencyPollTest, AnswersItsUnitWithFiledReportsOfItsAreaWithoutSourceIdentity) {
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  agency.advance(context, 50);
  context.sent.clear();  // The sharing with agency.us.

  agency.on_poll(context, poll("unit.manchester", "manchester", 50), "unit.manchester", 50);
  const auto sent = context.sent_to("unit.manchester");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(context.sent.size(), 1u);
  const v1::Envelope& envelope = sent[0]->envelope;
  EXPECT_EQ(envelope.parent_message_id(), "uk-man-1");
  EXPECT_EQ(envelope.report().trace_id(), "uk-man-1");
  EXPECT_EQ(envelope.report().report_id(), envelope.message_id());
  EXPECT_EQ(envelope.report().source().identity_case(), v1::Source::IDENTITY_NOT_SET);
  EXPECT_FALSE(contains(envelope.SerializeAsString(), "uk.insider-1"));
  EXPECT_EQ(envelope.report().site(), "arena");  // The intelligence itself is whole.
  EXPECT_EQ(sent[0]->at_h, 50.0);
  EXPECT_FALSE(sent[0]->options.resend);

  const auto created = context.events_of("created", envelope.message_id());
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0]->handoff, "poll@agency.uk");
  EXPECT_EQ(created[0]->parent, "uk-man-1");
  EXPECT_EQ(created[0]->peer, "unit.manchester");
  EXPECT_EQ(created[0]->source_kind, "");
}

TEST_F(AgencyPollTest, SendsEachFiledReportToAUnitOnlyOnce) {
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  agency.advance(context, 50);
  context.sent.clear();

  agency.on_poll(context, poll("unit.manchester", "manchester", 50), "unit.manchester", 50);
  agency.advance(context, 55);
  agency.on_poll(context, poll("unit.manchester", "manchester", 55), "unit.manchester", 55);
  EXPECT_EQ(traces_sent_to(context, "unit.manchester"), (std::vector<std::string>{"uk-man-1"}));

  // Another unit of the same area has not had it yet.
  agency.on_poll(context, poll("unit.manchester-ctu", "manchester", 55), "unit.manchester-ctu", 55);
  EXPECT_EQ(traces_sent_to(context, "unit.manchester-ctu"), (std::vector<std::string>{"uk-man-1"}));

  // A report filed later comes with the next poll, and only it.
  agency.advance(context, 70);
  agency.on_poll(context, poll("unit.manchester", "manchester", 70), "unit.manchester", 70);
  EXPECT_EQ(traces_sent_to(context, "unit.manchester"),
            (std::vector<std::string>{"uk-man-1", "uk-man-2"}));
}

TEST_F(AgencyPollTest, AnswersOnlyWithReportsOfThePollsArea) {
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  agency.advance(context, 50);
  context.sent.clear();
  agency.on_poll(context, poll("unit.london", "london", 50), "unit.london", 50);
  EXPECT_EQ(traces_sent_to(context, "unit.london"), (std::vector<std::string>{"uk-lon-1"}));
  EXPECT_EQ(context.sent.size(), 1u);
}

TEST_F(AgencyPollTest, APollFromAnotherAgencysUnitIsABug) {
  // The role rules refuse it before it is taken in (RoleRulesTest): if one
  // reached the role, the node would be broken.
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  agency.advance(context, 50);
  context.sent.clear();
  // unit.st-petersburg belongs to agency.ru, whatever area it asks for.
  EXPECT_THROW(agency.on_poll(context, poll("unit.st-petersburg", "manchester", 50),
                              "unit.st-petersburg", 50),
               std::logic_error);
  EXPECT_THROW(agency.on_poll(context, poll("unit.nowhere", "manchester", 50), "unit.nowhere", 50),
               std::logic_error);
  EXPECT_TRUE(context.sent.empty());
  // ...and that did not use up anything for the real unit.
  agency.on_poll(context, poll("unit.manchester", "manchester", 50), "unit.manchester", 50);
  EXPECT_EQ(traces_sent_to(context, "unit.manchester"), (std::vector<std::string>{"uk-man-1"}));
}

TEST_F(AgencyPollTest, RefusesAndTracesAPollForAnotherAreaThanTheUnits) {
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  agency.advance(context, 50);
  context.sent.clear();
  agency.on_poll(context, poll("unit.london", "manchester", 50), "unit.london", 50);
  EXPECT_TRUE(context.sent.empty());
  const auto rejected = context.events_of("rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0]->peer, "unit.london");
  EXPECT_EQ(rejected[0]->area, "manchester");
  EXPECT_EQ(rejected[0]->reason, "rejected:poll-for-another-area");
  // The refusal did not count as the unit's poll: its own area's reports come.
  agency.on_poll(context, poll("unit.london", "london", 50), "unit.london", 50);
  EXPECT_EQ(traces_sent_to(context, "unit.london"), (std::vector<std::string>{"uk-lon-1"}));
}

TEST_F(AgencyTest, APartnersReportGoesIntoTheDatabaseAndReachesThePollingUnit) {
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  v1::Envelope envelope;
  envelope.set_message_id("agency.us#1");
  envelope.set_sender("agency.us");
  envelope.set_handoff("agency.us->agency.uk");
  envelope.set_parent_message_id("us-1");
  v1::ThreatReport* report = envelope.mutable_report();
  report->set_report_id("agency.us#1");
  report->set_trace_id("us-1");
  report->set_origin_agency("agency.us");
  report->mutable_source()->set_agency("agency.us");
  report->mutable_source()->set_handle("us.officer-2");
  report->set_subject("subject.abedi");
  report->set_area("manchester");
  report->set_site("arena");
  report->set_severity(v1::SEVERITY_HIGH);
  report->set_tlp(v1::TLP_AMBER);

  agency.advance(context, 30);
  agency.on_envelope(context, envelope, 30);
  agency.advance(context, 40);
  EXPECT_EQ(context.steps_of("agency.us#1"),
            (std::vector<std::string>{
                "queued database@agency.uk @30", "dequeued database@agency.uk @30",
                "served database@agency.uk @33", "delivered database@agency.uk @33"}));
  EXPECT_TRUE(context.sent.empty()) << "a partner's report is not passed on";

  v1::PollRequest poll;
  poll.set_unit("unit.manchester");
  poll.set_area("manchester");
  agency.on_poll(context, poll, "unit.manchester", 40);
  ASSERT_EQ(context.sent.size(), 1u);
  EXPECT_EQ(context.sent[0].envelope.parent_message_id(), "agency.us#1");
  EXPECT_FALSE(context.sent[0].envelope.report().source().has_handle());
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
}  // namespace tearline
