#include "nodes/unit.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "nodes/test_scenario.h"

namespace tearline {
namespace {

using test_support::FakeContext;
using test_support::kDurationH;
using test_support::kIntakeServiceH;
using test_support::kPollIntervalH;

constexpr char kUnit[] = "unit.manchester";

// A warning as a unit receives it: from the broker, or an answer to a poll.
v1::Envelope warning(const std::string& message_id) {
  v1::Envelope envelope;
  envelope.set_message_id(message_id);
  envelope.set_sender("broker");
  envelope.set_handoff("broker->unit.manchester");
  v1::ThreatReport* report = envelope.mutable_report();
  report->set_report_id(message_id);
  report->set_trace_id("us-1");
  report->set_origin_agency("agency.us");
  report->mutable_source()->set_agency("agency.us");
  report->mutable_source()->set_pseudonym("ps-0123456789ab");
  report->set_area("manchester");
  report->set_severity(v1::SEVERITY_HIGH);
  report->set_tlp(v1::TLP_AMBER);
  return envelope;
}

class UnitTest : public ::testing::Test {
 protected:
  Scenario scenario_ = test_support::role_scenario();
  Random random_{1};
  FakeContext context_{kUnit};
};

TEST_F(UnitTest, RejectsANameThatIsNotAUnit) {
  EXPECT_THROW(UnitRole(scenario_, "unit.nowhere", random_), std::invalid_argument);
}

TEST_F(UnitTest, PollsItsAgencyEveryPollInterval) {
  UnitRole unit(scenario_, kUnit, random_);
  EXPECT_EQ(unit.next_wake_h(), kPollIntervalH);
  unit.advance(context_, kPollIntervalH - 0.001);
  EXPECT_TRUE(context_.polls.empty());

  unit.advance(context_, 3 * kPollIntervalH + 1);
  ASSERT_EQ(context_.polls.size(), 3u);
  for (size_t i = 0; i < context_.polls.size(); ++i) {
    EXPECT_EQ(context_.polls[i].peer, "agency.uk");
    EXPECT_EQ(context_.polls[i].poll.unit(), kUnit);
    EXPECT_EQ(context_.polls[i].poll.area(), "manchester");
    EXPECT_EQ(context_.polls[i].poll.at_h(), kPollIntervalH * static_cast<double>(i + 1));
  }
  EXPECT_EQ(unit.next_wake_h(), 4 * kPollIntervalH);
  EXPECT_TRUE(context_.sent.empty()) << "polls are not accounted messages";
}

TEST_F(UnitTest, StopsPollingAtTheEndOfTheScenario) {
  UnitRole unit(scenario_, kUnit, random_);
  unit.advance(context_, 10 * kDurationH);
  ASSERT_FALSE(context_.polls.empty());
  EXPECT_LT(context_.polls.back().poll.at_h(), kDurationH);
  EXPECT_EQ(context_.polls.size(), static_cast<size_t>(kDurationH / kPollIntervalH) - 1);
  EXPECT_EQ(unit.next_wake_h(), std::nullopt);
}

TEST_F(UnitTest, AWarningGoesThroughIntakeToDeliveredAndActed) {
  UnitRole unit(scenario_, kUnit, random_);
  v1::Envelope envelope = warning("broker#1");
  envelope.mutable_report()->set_subject("subject.abedi");
  envelope.mutable_report()->set_site("arena");

  unit.advance(context_, 30);
  unit.on_envelope(context_, envelope, 30);
  EXPECT_EQ(unit.next_wake_h(), 30 + kIntakeServiceH);
  unit.advance(context_, 40);
  EXPECT_EQ(context_.steps_of("broker#1"),
            (std::vector<std::string>{
                "queued intake@unit.manchester @30", "dequeued intake@unit.manchester @30",
                "served intake@unit.manchester @31", "delivered intake@unit.manchester @31",
                "acted intake@unit.manchester @31"}));
  const auto acted = context_.events_of("acted", "broker#1");
  ASSERT_EQ(acted.size(), 1u);
  EXPECT_TRUE(acted[0]->actionable);
  EXPECT_EQ(acted[0]->trace, "us-1");
  EXPECT_EQ(acted[0]->source_kind, "pseudonym");
  EXPECT_TRUE(context_.sent.empty());
}

struct ActionableCase {
  const char* name;
  bool subject, site, window;
  bool actionable;
};

class UnitActionableTest : public UnitTest, public ::testing::WithParamInterface<ActionableCase> {};

TEST_P(UnitActionableTest, ActionableIffSubjectAndSiteOrWindow) {
  const ActionableCase& c = GetParam();
  UnitRole unit(scenario_, kUnit, random_);
  v1::Envelope envelope = warning("m1");
  v1::ThreatReport* report = envelope.mutable_report();
  if (c.subject) report->set_subject("subject.abedi");
  if (c.site) report->set_site("arena");
  if (c.window) {
    report->mutable_window()->set_start_h(400);
    report->mutable_window()->set_end_h(500);
  }
  report->set_method("ied");  // Never enough on its own.
  unit.advance(context_, 5);
  unit.on_envelope(context_, envelope, 5);
  unit.advance(context_, 10);
  const auto acted = context_.events_of("acted", "m1");
  ASSERT_EQ(acted.size(), 1u);
  EXPECT_EQ(acted[0]->actionable, c.actionable);
  EXPECT_EQ(context_.events_of("delivered", "m1").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Detail, UnitActionableTest,
    ::testing::Values(ActionableCase{"subject_site", true, true, false, true},
                      ActionableCase{"subject_window", true, false, true, true},
                      ActionableCase{"subject_site_window", true, true, true, true},
                      ActionableCase{"subject_only", true, false, false, false},
                      ActionableCase{"site_window_no_subject", false, true, true, false},
                      ActionableCase{"nothing", false, false, false, false}),
    [](const ::testing::TestParamInfo<ActionableCase>& param_info) {
      return param_info.param.name;
    });

TEST_F(UnitTest, WarningsWaitTheirTurnAtIntake) {
  UnitRole unit(scenario_, kUnit, random_);
  unit.advance(context_, 30);
  unit.on_envelope(context_, warning("a"), 30);
  unit.on_envelope(context_, warning("b"), 30);
  unit.advance(context_, 40);
  const auto delivered = context_.events_of("delivered");
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0]->t_h, 30 + kIntakeServiceH);
  EXPECT_EQ(delivered[1]->t_h, 30 + 2 * kIntakeServiceH);
}

TEST_F(UnitTest, RecordInFlightCoversTheIntake) {
  UnitRole unit(scenario_, kUnit, random_);
  unit.advance(context_, 30);
  unit.on_envelope(context_, warning("a"), 30);
  unit.on_envelope(context_, warning("b"), 30);
  context_.events.clear();
  unit.record_in_flight(context_, 30.5);
  const auto in_flight = context_.events_of("in_flight");
  ASSERT_EQ(in_flight.size(), 2u);
  for (const TraceEvent* event : in_flight) {
    EXPECT_EQ(event->handoff, "intake@unit.manchester");
  }
  v1::NodeStatus status;
  unit.fill_status(&status);
  EXPECT_EQ(status.queue_depth_msgs().at("intake@unit.manchester"), 2u);
}

}  // namespace
}  // namespace tearline
