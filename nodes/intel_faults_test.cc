// The faults aimed at intelligence as a node holds them: their names, the
// checks of their values, which one a report meets, and the reports a
// delay holds.
#include "nodes/intel_faults.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "node/fault_commands.h"

namespace tearline {
namespace {

v1::IntelFault aimed_at_subject(v1::IntelFault::Action action, const std::string& subject) {
  v1::IntelFault fault;
  fault.set_action(action);
  fault.set_subject(subject);
  return fault;
}

v1::ThreatReport report_about(const std::string& trace_id, const std::string& subject) {
  v1::ThreatReport report;
  report.set_report_id(trace_id + ">agency.uk");
  report.set_trace_id(trace_id);
  report.set_subject(subject);
  return report;
}

TEST(IntelFaultsTest, NamesTheFaultAsTracesDo) {
  v1::ControlRequest request;
  request.mutable_intel()->set_action(v1::IntelFault::ACTION_DELAY);
  request.mutable_intel()->set_report("us-manchester-1");
  request.mutable_intel()->set_delay_h(168);
  EXPECT_TRUE(is_fault_command(request));
  EXPECT_EQ(describe_command(request), "delay report us-manchester-1 delay_h=168");
  EXPECT_EQ(describe_intel_fault(aimed_at_subject(v1::IntelFault::ACTION_SHARE_FULL, "s")),
            "share-full subject s");
}

TEST(IntelFaultsTest, ValuesFromOutsideAreChecked) {
  v1::ControlRequest request;
  v1::IntelFault& fault = *request.mutable_intel();
  EXPECT_NE(fault_values_error(request), "");  // No action.
  fault.set_action(v1::IntelFault::ACTION_LOSE);
  EXPECT_NE(fault_values_error(request), "");  // No target.
  fault.set_trace(std::string(129, 'x'));
  EXPECT_NE(fault_values_error(request), "");  // Too long.
  fault.set_trace("us-1\n[warning] forged");
  EXPECT_EQ(fault_values_error(request), "an intel fault's trace has a control character");
  // The log line that says so is one line.
  EXPECT_EQ(describe_command(request), "lose trace us-1\\x0a[warning] forged");
  fault.set_trace("us-1");
  EXPECT_EQ(fault_values_error(request), "");
  fault.set_delay_h(5);
  EXPECT_EQ(fault_values_error(request), "delay_h applies to a delay only");
  fault.set_action(v1::IntelFault::ACTION_DELAY);
  EXPECT_EQ(fault_values_error(request), "");
  for (const double bad : {0.0, -1.0, kFaultHoursMax + 1, std::nan("")}) {
    fault.set_delay_h(bad);
    EXPECT_NE(fault_values_error(request), "") << bad;
  }
  fault.set_action(static_cast<v1::IntelFault::Action>(99));
  EXPECT_NE(fault_values_error(request), "");
}

TEST(IntelFaultsTest, MatchesByReportTraceOrSubjectAndTheLastGivenDecides) {
  IntelFaults faults;
  std::string error;
  EXPECT_FALSE(faults.match(report_about("us-1", "subject-m")));
  v1::IntelFault by_report;
  by_report.set_action(v1::IntelFault::ACTION_LOSE);
  by_report.set_report("us-1");
  ASSERT_TRUE(faults.add(by_report, &error));
  ASSERT_TRUE(faults.add(aimed_at_subject(v1::IntelFault::ACTION_WITHHOLD, "subject-k"), &error));
  EXPECT_EQ(faults.match(report_about("us-1", "subject-m"))->fault, "lose report us-1");
  EXPECT_EQ(faults.match(report_about("us-2", "subject-k"))->action,
            v1::IntelFault::ACTION_WITHHOLD);
  EXPECT_EQ(faults.match(report_about("us-1", "subject-k"))->action,
            v1::IntelFault::ACTION_WITHHOLD);
  EXPECT_FALSE(faults.match(report_about("us-2", "subject-m")));
}

TEST(IntelFaultsTest, HeldReportsAreReleasedAtTheirHourEarliestFirst) {
  IntelFaults faults;
  for (const auto& [id, release_h] : {std::pair{"b", 30.0}, {"a", 20.0}, {"c", 30.0}}) {
    faults.hold(ServedReport{id, report_about(id, "s"), 1}, release_h, "delay");
  }
  EXPECT_EQ(faults.next_release_h(), 20);
  EXPECT_TRUE(faults.take_released(19.5).empty());
  const std::vector<HeldReport> first = faults.take_released(25);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].served.message_id, "a");
  EXPECT_EQ(first[0].served.at_h, 20);
  const std::vector<HeldReport> then = faults.take_released(30);
  ASSERT_EQ(then.size(), 2u);
  EXPECT_EQ(then[0].served.message_id, "b");  // Equal hours: in the order held.
  EXPECT_EQ(then[1].served.message_id, "c");
  EXPECT_EQ(faults.next_release_h(), std::nullopt);
}

}  // namespace
}  // namespace tearline
