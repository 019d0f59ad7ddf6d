// An agency answering polls: its units get the filed reports of their area,
// each once, without source identity, partners' reports included.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nodes/agency.h"
#include "nodes/agency_fixture.h"
#include "nodes/test_scenario.h"

namespace tearline::test_support {
namespace {

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

// agency.us's report about manchester, shared in full with agency.uk.
v1::Envelope partners_report(v1::Tlp tlp) {
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
  report->set_tlp(tlp);
  return envelope;
}

TEST_F(AgencyTest, APartnersReportGoesIntoTheDatabaseAndReachesThePollingUnit) {
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  const v1::Envelope envelope = partners_report(v1::TLP_AMBER);
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

// TLP 2.0 in a poll's answer (model/handling_caveats.h): the unit covers
// the report's area and belongs to agency.uk's country.
TEST_F(AgencyPollTest, AnswersWithWhatEachOwnLabelAllows) {
  for (const v1::Tlp tlp :
       {v1::TLP_CLEAR, v1::TLP_GREEN, v1::TLP_AMBER, v1::TLP_AMBER_STRICT, v1::TLP_RED}) {
    scenario_.reports[0].tlp = tlp;
    AgencyRole agency = make("agency.uk", "bilateral");
    FakeContext context("agency.uk");
    agency.advance(context, 50);
    context.sent.clear();  // The sharing with agency.us.
    agency.on_poll(context, poll("unit.manchester", "manchester", 50), "unit.manchester", 50);
    // The poll's refusals (the sharing with agency.us has its own).
    std::vector<const TraceEvent*> withheld;
    for (const TraceEvent* event : context.events_of("withheld")) {
      if (event->handoff == "poll@agency.uk") withheld.push_back(event);
    }
    if (tlp != v1::TLP_RED) {
      EXPECT_EQ(traces_sent_to(context, "unit.manchester"), std::vector<std::string>{"uk-man-1"})
          << tlp;
      EXPECT_TRUE(withheld.empty()) << tlp;
      continue;
    }
    // RED goes to no one: the copy is made, and withheld.
    EXPECT_TRUE(context.sent.empty());
    ASSERT_EQ(withheld.size(), 1u);
    EXPECT_EQ(withheld[0]->reason, "withheld:tlp-red");
    EXPECT_EQ(withheld[0]->handoff, "poll@agency.uk");
    EXPECT_EQ(withheld[0]->peer, "unit.manchester");
    EXPECT_EQ(withheld[0]->t_h, 50.0);
    EXPECT_EQ(context.events_of("created", withheld[0]->msg).size(), 1u);
    // Withheld once: a later poll neither sends nor withholds it again.
    agency.on_poll(context, poll("unit.manchester", "manchester", 80), "unit.manchester", 80);
    EXPECT_TRUE(context.sent.empty());
    EXPECT_EQ(context.events_of("withheld").size(), withheld.size() + 1);  // And the sharing's.
  }
}

// A partner's AMBER+STRICT report stays within its own country: agency.uk
// filed it (its partner chose to share it) but may not pass it to its unit.
// The centre's override (honour_tlp) is the centre's alone.
TEST_F(AgencyTest, WithholdsAPartnersAmberStrictReportFromItsUnit) {
  scenario_.broker.honour_tlp = false;
  AgencyRole agency = make("agency.uk", "bilateral");
  FakeContext context("agency.uk");
  agency.advance(context, 30);
  agency.on_envelope(context, partners_report(v1::TLP_AMBER_STRICT), 30);
  agency.advance(context, 40);
  v1::PollRequest poll;
  poll.set_unit("unit.manchester");
  poll.set_area("manchester");
  agency.on_poll(context, poll, "unit.manchester", 40);
  EXPECT_TRUE(context.sent.empty());
  const auto withheld = context.events_of("withheld");
  ASSERT_EQ(withheld.size(), 1u);
  EXPECT_EQ(withheld[0]->reason, "withheld:tlp-amber-strict");
  EXPECT_EQ(withheld[0]->msg, "agency.us#1>unit.manchester");
}

}  // namespace
}  // namespace tearline::test_support
