// The filters, and clear errors for bad names.
#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

#include "analysis/views/trace_views.h"
#include "analysis/views/view_test_support.h"

namespace tearline {
namespace {

using trace_views::testing::by_mode;
using trace_views::testing::by_node;
using trace_views::testing::by_plot;
using trace_views::testing::by_window;
using trace_views::testing::read_text;
using trace_views::testing::recorded_run;
using trace_views::testing::RunCopy;
using trace_views::testing::write_text;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(TraceViewsFilter, ModeKeepsOnlyThatMode) {
  const std::string text = trace_summary(recorded_run(), by_mode("bilateral"), nullptr);
  EXPECT_TRUE(contains(text, "== bilateral: summary"));
  EXPECT_FALSE(contains(text, "== coordinated"));
}

TEST(TraceViewsFilter, NodeKeepsOnlyItsEvents) {
  const std::string all = trace_summary(recorded_run(), {}, nullptr);
  const std::string text = trace_summary(recorded_run(), by_node("unit.south"), nullptr);
  EXPECT_TRUE(contains(all, "agency.aa"));
  EXPECT_TRUE(contains(text, "unit.south"));
  EXPECT_FALSE(contains(text, "agency.aa"));
}

TEST(TraceViewsFilter, TimeWindowKeepsHoursWithin) {
  const TraceFilter window = by_window(42.0, 43.0);
  const std::string all = trace_node(recorded_run(), "broker", {}, nullptr);
  const std::string text = trace_node(recorded_run(), "broker", window, nullptr);
  EXPECT_TRUE(contains(all, "25.88h"));
  EXPECT_FALSE(contains(text, "25.88h"));
  EXPECT_TRUE(contains(text, "42.45h"));
  const std::regex hour(R"(\s(\d+\.\d\d)h\s)");
  size_t hours_seen = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), hour), end; it != end; ++it) {
    const double t_h = std::stod((*it)[1]);
    EXPECT_GE(t_h, 42.0);
    EXPECT_LE(t_h, 43.0);
    ++hours_seen;
  }
  EXPECT_GT(hours_seen, 0u);
}

TEST(TraceViewsFilter, PlotKeepsOnlyItsTraces) {
  const std::string all = trace_node(recorded_run(), "agency.bb", {}, nullptr);
  const std::string text =
      trace_node(recorded_run(), "agency.bb", by_plot("plot.north-1"), nullptr);
  EXPECT_TRUE(contains(all, "bb-south-1"));
  EXPECT_FALSE(contains(text, "bb-south-1"));
  EXPECT_TRUE(contains(text, "bb-north-1"));
}

TEST(TraceViewsFilter, LostByReasonAndNode) {
  RunCopy run("trace-views-lost");
  const auto path = run.file("bilateral", "unit.south");
  std::string text = read_text(path);
  const size_t at = text.find("\"kind\":\"delivered\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 18, R"("kind":"lost","reason":"link down")");
  write_text(path, text);

  const std::string lost = trace_lost(run.dir(), "", {}, nullptr);
  EXPECT_TRUE(contains(lost, "link down"));
  EXPECT_TRUE(contains(lost, "By handoff and reason (1 message)"));
  EXPECT_TRUE(contains(trace_lost(run.dir(), "link down", {}, nullptr), "unit.south"));
  EXPECT_FALSE(contains(trace_lost(run.dir(), "expired", {}, nullptr), "unit.south"));
  EXPECT_FALSE(contains(trace_lost(run.dir(), "", by_node("unit.north"), nullptr), "link down"));
  EXPECT_TRUE(contains(trace_summary(run.dir(), by_mode("bilateral"), nullptr), "link down"));
}

TEST(TraceViewsFilter, ClearErrorsForBadNames) {
  EXPECT_TRUE(contains(error_of([] { trace_follow(recorded_run(), "no-such-trace", {}, nullptr); }),
                       "unknown trace id \"no-such-trace\""));
  EXPECT_TRUE(contains(error_of([] { trace_node(recorded_run(), "unit.west", {}, nullptr); }),
                       "no node \"unit.west\""));
  EXPECT_TRUE(contains(error_of([] { trace_summary(recorded_run(), by_mode("solo"), nullptr); }),
                       "no mode \"solo\""));
  EXPECT_TRUE(contains(error_of([] { trace_summary(recorded_run(), by_plot("plot.x"), nullptr); }),
                       "no plot \"plot.x\""));
  EXPECT_TRUE(contains(error_of([] { trace_summary("/nonexistent-run", {}, nullptr); }),
                       "not a run directory"));
}

}  // namespace
}  // namespace tearline
