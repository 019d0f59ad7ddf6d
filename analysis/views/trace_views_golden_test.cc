// Each view of the checked-in recorded run against its golden output.
#include <gtest/gtest.h>

#include "analysis/read/text_table.h"
#include "analysis/views/trace_views.h"
#include "analysis/views/view_test_support.h"

namespace tearline {
namespace {

using trace_views::testing::by_plot;
using trace_views::testing::by_window;
using trace_views::testing::expect_golden;
using trace_views::testing::longest_line;
using trace_views::testing::recorded_faulty_run;
using trace_views::testing::recorded_run;

TEST(TraceViewsGolden, Summary) {
  std::vector<std::string> warnings;
  const std::string text = trace_summary(recorded_run(), {}, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_LE(longest_line(text), report::kLineWidthMax);
  expect_golden("summary", text);
}

TEST(TraceViewsGolden, SummaryOfOnePlot) {
  const std::string text = trace_summary(recorded_run(), by_plot("plot.north-1"), nullptr);
  expect_golden("summary-plot", text);
}

TEST(TraceViewsGolden, SummaryOfOneNodeInAWindow) {
  TraceFilter filter = by_window(20.0, 100.0);
  filter.node = "unit.north";
  const std::string text = trace_summary(recorded_run(), filter, nullptr);
  expect_golden("summary-node-window", text);
}

TEST(TraceViewsGolden, FollowCrossesSanitisingAndPseudonymising) {
  std::vector<std::string> warnings;
  const std::string text = trace_follow(recorded_run(), "bb-north-1", {}, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_LE(longest_line(text), report::kLineWidthMax);
  EXPECT_NE(text.find("sanitised, detail left: subject, area"), std::string::npos);
  EXPECT_NE(text.find("pseudonymised, source shown as ps-"), std::string::npos);
  expect_golden("follow", text);
}

TEST(TraceViewsGolden, Lost) {
  const std::string text = trace_lost(recorded_run(), "", {}, nullptr);
  EXPECT_LE(longest_line(text), report::kLineWidthMax);
  expect_golden("lost", text);
}

TEST(TraceViewsGolden, Node) {
  const std::string text = trace_node(recorded_run(), "broker", {}, nullptr);
  EXPECT_LE(longest_line(text), report::kLineWidthMax);
  EXPECT_NE(text.find("officers@broker"), std::string::npos);
  expect_golden("node", text);
}

TEST(TraceViewsGolden, SummaryWithFaults) {
  std::vector<std::string> warnings;
  const std::string text = trace_summary(recorded_faulty_run(), {}, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_NE(text.find("link-loss:injected"), std::string::npos);
  expect_golden("faulty-summary", text);
}

TEST(TraceViewsGolden, LostWithFaults) {
  const std::string text = trace_lost(recorded_faulty_run(), "", {}, nullptr);
  EXPECT_LE(longest_line(text), report::kLineWidthMax);
  expect_golden("faulty-lost", text);
}

TEST(TraceViewsGolden, FollowAcrossLostAttemptsAndALoss) {
  const std::string text = trace_follow(recorded_faulty_run(), "aa-north-1", {}, nullptr);
  EXPECT_LE(longest_line(text), report::kLineWidthMax);
  EXPECT_NE(text.find("attempt lost (link-loss:injected)"), std::string::npos);
  EXPECT_NE(text.find("=> lost (link-loss:injected)"), std::string::npos);
  expect_golden("faulty-follow", text);
}

TEST(TraceViewsGolden, NodeThroughACrash) {
  const std::string text = trace_node(recorded_faulty_run(), "broker", {}, nullptr);
  EXPECT_NE(text.find("node_started"), std::string::npos);
  expect_golden("faulty-node", text);
}

}  // namespace
}  // namespace tearline
