// Faults aimed at intelligence at an agency's desk (node/intel_faults.h):
// each action, matched by report, trace or subject.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nodes/agency.h"
#include "nodes/agency_fixture.h"
#include "nodes/test_scenario.h"

namespace tearline::test_support {
namespace {

v1::IntelFault aimed(v1::IntelFault::Action action, const std::string& report, double delay_h = 0) {
  v1::IntelFault fault;
  fault.set_action(action);
  fault.set_report(report);
  fault.set_delay_h(delay_h);
  return fault;
}

class AgencyIntelFaultTest : public AgencyTest {
 protected:
  void SetUp() override {
    scenario_.reports = {full_report("us-1", "agency.us", "us.officer-2", kReportH),
                         full_report("us-2", "agency.us", "us.insider-7", kReportH + 1)};
    scenario_.reports[1].subject = "subject.other";
  }

  // Runs agency.us in `mode` with `faults` given before anything happens.
  FakeContext run(const std::string& mode, const std::vector<v1::IntelFault>& faults,
                  double until_h = 100) {
    AgencyRole agency = make("agency.us", mode);
    for (const v1::IntelFault& fault : faults) {
      std::string error;
      EXPECT_TRUE(agency.aim_fault(fault, &error)) << error;
    }
    FakeContext context("agency.us");
    agency.advance(context, until_h);
    agency.record_in_flight(context, until_h);
    return context;
  }

  static size_t sends_from(const FakeContext& context, const std::string& parent) {
    size_t count = 0;
    for (const FakeContext::Sent& sent : context.sent) {
      count += sent.envelope.parent_message_id() == parent;
    }
    return count;
  }
};

TEST_F(AgencyIntelFaultTest, LoseEndsTheReportAtTheDeskNeitherSharedNorFiled) {
  const FakeContext context = run("bilateral", {aimed(v1::IntelFault::ACTION_LOSE, "us-1")});
  EXPECT_EQ(context.steps_of("us-1"),
            (std::vector<std::string>{"created source@agency.us @10", "queued desk@agency.us @10",
                                      "dequeued desk@agency.us @10", "served desk@agency.us @12",
                                      "lost fault@agency.us @12"}));
  const TraceEvent& lost = *context.events_of("lost", "us-1").at(0);
  EXPECT_EQ(lost.reason, "fault:lost");
  EXPECT_EQ(lost.fault, "lose report us-1");
  EXPECT_EQ(sends_from(context, "us-1"), 0u);
  EXPECT_EQ(sends_from(context, "us-2"), 2u);  // Untouched: sanitised to uk and fr.
}

TEST_F(AgencyIntelFaultTest, LoseBySubjectInCoordinatedModeSendsNothingToTheCentre) {
  v1::IntelFault fault;
  fault.set_action(v1::IntelFault::ACTION_LOSE);
  fault.set_subject("subject.abedi");
  const FakeContext context = run("coordinated", {fault});
  EXPECT_EQ(context.events_of("lost", "us-1").at(0)->fault, "lose subject subject.abedi");
  EXPECT_TRUE(context.events_of("lost", "us-2").empty());
  const auto to_broker = context.sent_to("broker");
  ASSERT_EQ(to_broker.size(), 1u);
  EXPECT_EQ(to_broker[0]->envelope.parent_message_id(), "us-2");
}

TEST_F(AgencyIntelFaultTest, ATraceIdMatchesTheReportItStartedAs) {
  v1::IntelFault fault;
  fault.set_action(v1::IntelFault::ACTION_LOSE);
  fault.set_trace("us-2");
  const FakeContext context = run("coordinated", {fault});
  EXPECT_EQ(context.events_of("lost", "us-2").size(), 1u);
  EXPECT_TRUE(context.events_of("lost", "us-1").empty());
  EXPECT_EQ(sends_from(context, "us-1"), 1u);
}

TEST_F(AgencyIntelFaultTest, WithholdSharesWithNoPartnerButFilesAtHome) {
  const FakeContext context = run("bilateral", {aimed(v1::IntelFault::ACTION_WITHHOLD, "us-1")});
  EXPECT_EQ(sends_from(context, "us-1"), 0u);
  const auto withheld = context.events_of("withheld");
  size_t of_us_1 = 0;
  for (const TraceEvent* event : withheld) {
    if (event->msg.rfind("us-1>", 0) != 0) continue;
    ++of_us_1;
    EXPECT_EQ(event->reason, "withheld:fault");
    EXPECT_EQ(event->fault, "withhold report us-1");
  }
  EXPECT_EQ(of_us_1, 3u);  // uk, fr and ru.
  EXPECT_EQ(context.events_of("delivered", "us-1").size(), 1u);
}

TEST_F(AgencyIntelFaultTest, WithholdInCoordinatedModeKeepsTheCopyFromTheCentre) {
  const FakeContext context = run("coordinated", {aimed(v1::IntelFault::ACTION_WITHHOLD, "us-1")});
  EXPECT_EQ(context.steps_of("us-1>broker"),
            (std::vector<std::string>{"created sharing@agency.us @12",
                                      "withheld sharing@agency.us @12"}));
  EXPECT_EQ(context.events_of("withheld", "us-1>broker").at(0)->reason, "withheld:fault");
  EXPECT_EQ(sends_from(context, "us-1"), 0u);
}

TEST_F(AgencyIntelFaultTest, DelayHoldsTheReportThenSharesIt) {
  scenario_.reports.pop_back();
  AgencyRole agency = make("agency.us", "coordinated");
  std::string error;
  ASSERT_TRUE(agency.aim_fault(aimed(v1::IntelFault::ACTION_DELAY, "us-1", 24), &error));
  FakeContext context("agency.us");
  agency.advance(context, kDeskDoneH + 1);
  EXPECT_TRUE(context.sent.empty());
  EXPECT_EQ(agency.next_wake_h(), kDeskDoneH + 24);
  EXPECT_EQ(agency.next_send_bound_h(), kDeskDoneH + 24);
  agency.advance(context, 100);
  const auto to_broker = context.sent_to("broker");
  ASSERT_EQ(to_broker.size(), 1u);
  EXPECT_EQ(to_broker[0]->at_h, kDeskDoneH + 24);
  EXPECT_EQ(context.events_of("created", "us-1>broker").at(0)->fault,
            "delay report us-1 delay_h=24");
  EXPECT_EQ(context.events_of("delivered", "us-1").at(0)->t_h, kDeskDoneH + 24 + kDatabaseServiceH);
}

TEST_F(AgencyIntelFaultTest, AReportHeldAtTheStopIsInFlight) {
  const FakeContext context =
      run("bilateral", {aimed(v1::IntelFault::ACTION_DELAY, "us-1", 200)}, 100);
  const auto in_flight = context.events_of("in_flight", "us-1");
  ASSERT_EQ(in_flight.size(), 1u);
  EXPECT_EQ(in_flight[0]->handoff, "fault@agency.us");
}

TEST_F(AgencyIntelFaultTest, ShareFullOverridesThePolicy) {
  // An insider's report: the policy never shares it in full.
  const FakeContext context = run("bilateral", {aimed(v1::IntelFault::ACTION_SHARE_FULL, "us-2")});
  for (const std::string peer : {"agency.uk", "agency.fr", "agency.ru"}) {
    const auto shared = context.events_of("shared", "us-2>" + peer);
    ASSERT_EQ(shared.size(), 1u) << peer;
    EXPECT_EQ(shared[0]->fault, "share-full report us-2");
  }
  EXPECT_EQ(sends_from(context, "us-2"), 3u);
}

TEST_F(AgencyIntelFaultTest, TheFaultGivenLastDecides) {
  const FakeContext context = run("bilateral", {aimed(v1::IntelFault::ACTION_LOSE, "us-1"),
                                                aimed(v1::IntelFault::ACTION_SHARE_FULL, "us-1")});
  EXPECT_TRUE(context.events_of("lost", "us-1").empty());
  EXPECT_EQ(sends_from(context, "us-1"), 3u);
}

TEST_F(AgencyIntelFaultTest, AFaultTakesNoMoreThanItsBound) {
  AgencyRole agency = make("agency.us", "bilateral");
  std::string error;
  for (size_t i = 0; i < kIntelFaultsMax; ++i) {
    ASSERT_TRUE(agency.aim_fault(aimed(v1::IntelFault::ACTION_LOSE, "us-1"), &error));
  }
  EXPECT_FALSE(agency.aim_fault(aimed(v1::IntelFault::ACTION_LOSE, "us-1"), &error));
  EXPECT_NE(error.find("no more"), std::string::npos) << error;
}

}  // namespace
}  // namespace tearline::test_support
