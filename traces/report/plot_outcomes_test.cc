#include "traces/report/plot_outcomes.h"

#include <gtest/gtest.h>

#include "traces/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;

// Units: unit.manchester must act 10 h before an attack; unit.london is in
// another area.
json run_info(json plots) {
  return {{"scenario", "test"},
          {"start_iso", "2017-05-01T00:00:00Z"},
          {"plots", std::move(plots)},
          {"units",
           {{{"name", "unit.manchester"}, {"area", "manchester"}, {"response_h", 10.0}},
            {{"name", "unit.london"}, {"area", "london"}, {"response_h", 10.0}}}}};
}

json plot(const std::string& id, const std::string& trace, double attack_h) {
  return {{"id", id}, {"area", "manchester"}, {"attack_h", attack_h}, {"trace_ids", {trace}}};
}

// A copy `msg` of `parent` routed by the broker and delivered to `unit` at at_h.
std::vector<json> warning(const std::string& msg, const std::string& parent,
                          const std::string& unit, double at_h, json detail,
                          std::optional<bool> actionable) {
  const json at_unit = {{"node", unit}};
  const std::string link = "broker->" + unit;
  std::vector<json> lines = {
      line("created", msg, "route@broker", at_h - 1, {{"node", "broker"}, {"parent", parent}}),
      line("sent", msg, link, at_h - 1, {{"node", "broker"}}),
      line("received", msg, link, at_h - 0.5, at_unit),
      line("queued", msg, "intake@" + unit, at_h - 0.5, at_unit),
      line("served", msg, "intake@" + unit, at_h, at_unit),
      line("delivered", msg, "intake@" + unit, at_h, {{"node", unit}, {"detail", detail}}),
  };
  if (actionable) {
    lines.push_back(
        line("acted", msg, "intake@" + unit, at_h, {{"node", unit}, {"actionable", *actionable}}));
  }
  return lines;
}

std::vector<Event> events_from(std::vector<std::vector<json>> groups) {
  std::vector<json> lines;
  for (auto& group : groups) lines.insert(lines.end(), group.begin(), group.end());
  return events_of(lines);
}

TEST(PlotOutcomes, AvertedByTheFirstActionableWarningInTimeAtAUnitOfTheArea) {
  const json us = {{"node", "agency.us"}};
  const json broker = {{"node", "broker"}};
  const std::vector<Event> events = events_from({
      {
          line("created", "src", "source@agency.us", 0, {{"node", "agency.us"}, {"trace", "t1"}}),
          line("queued", "src", "desk@agency.us", 0, us),
          line("served", "src", "desk@agency.us", 1, us),
          line("created", "up", "agency.us->broker", 1, {{"node", "agency.us"}, {"parent", "src"}}),
          line("delivered", "src", "desk@agency.us", 1, us),
          line("sent", "up", "agency.us->broker", 1, us),
          line("received", "up", "agency.us->broker", 2, broker),
          line("queued", "up", "officers@broker", 2, broker),
          line("served", "up", "officers@broker", 3, broker),
          line("delivered", "up", "route@broker", 3, broker),
      },
      warning("to-london", "up", "unit.london", 4.5, {"subject", "site"}, true),  // Other area.
      warning("to-manchester", "up", "unit.manchester", 5, {"subject", "site"}, true),
      warning("again", "up", "unit.manchester", 50, {"subject", "site"}, true),
  });
  const json plots =
      plot_outcomes(events, MessageIndex(events), run_info({plot("arena", "t1", 100)}));
  ASSERT_EQ(plots.size(), 1u);
  const json& arena = plots[0];
  EXPECT_EQ(arena["id"], "arena");
  EXPECT_EQ(arena["averted"], true);
  EXPECT_EQ(arena["warnings"], 2);
  EXPECT_EQ(arena["first_actionable_at_h"], 5.0);
  EXPECT_EQ(arena["first_actionable_at"], "2017-05-01T05:00:00Z");
  EXPECT_EQ(arena["first_actionable_unit"], "unit.manchester");
  EXPECT_EQ(arena["lead_time_h"], 95.0);
  EXPECT_EQ(arena["attack_at"], "2017-05-05T04:00:00Z");
  EXPECT_EQ(arena["path"], json({"desk@agency.us", "agency.us->broker", "officers@broker",
                                 "broker->unit.manchester", "intake@unit.manchester"}));
  EXPECT_TRUE(arena["lost_at"].empty());
  EXPECT_TRUE(arena["warnings_not_actionable"].empty());
}

TEST(PlotOutcomes, NotAvertedWhenWarningsAreTooThinOrTooLateAndSaysWhereCopiesDied) {
  const std::vector<Event> events = events_from({
      {
          line("created", "src", "source@agency.us", 0, {{"node", "agency.us"}, {"trace", "t2"}}),
          line("delivered", "src", "database@agency.us", 1, {{"node", "agency.us"}}),
          line("created", "kept", "sharing@agency.us", 1,
               {{"node", "agency.us"}, {"parent", "src"}}),
          line("withheld", "kept", "sharing@agency.us", 1,
               {{"node", "agency.us"}, {"reason", "withheld:source-protection"}}),
          line("created", "filed", "sharing@agency.us", 1,
               {{"node", "agency.us"}, {"parent", "src"}}),
          line("sanitised", "filed", "sharing@agency.us", 1,
               {{"node", "agency.us"}, {"peer", "agency.uk"}, {"detail", {"subject", "area"}}}),
          line("in_flight", "filed", "database@agency.uk", 200,
               {{"node", "agency.uk"}, {"reason", "queued"}}),
          line("created", "other-plot", "source@agency.us", 0, {{"trace", "t9"}}),
          line("lost", "other-plot", "agency.us->agency.uk", 3, {{"reason", "link-loss"}}),
      },
      warning("thin", "src", "unit.manchester", 20, {"subject"}, false),
      // Exactly one hour past the last moment a unit could still act.
      warning("late", "src", "unit.manchester", 91, {"subject", "site", "window"}, true),
  });
  const json plots =
      plot_outcomes(events, MessageIndex(events), run_info({plot("metro", "t2", 100)}));
  ASSERT_EQ(plots.size(), 1u);
  const json& metro = plots[0];
  EXPECT_EQ(metro["averted"], false);
  EXPECT_EQ(metro["warnings"], 2);
  EXPECT_TRUE(metro["first_actionable_at"].is_null());
  EXPECT_TRUE(metro["first_actionable_at_h"].is_null());
  EXPECT_TRUE(metro["lead_time_h"].is_null());
  EXPECT_TRUE(metro["path"].is_null());
  EXPECT_EQ(metro["lost_at"], json::parse(R"([
      {"handoff": "database@agency.uk", "node": "agency.uk", "reason": "queued",
       "fate": "in_flight", "count": 1},
      {"handoff": "sharing@agency.us", "node": "agency.us", "reason": "withheld:source-protection",
       "fate": "lost", "count": 1}])"));
  EXPECT_EQ(metro["degraded_at"], json::parse(R"([
      {"handoff": "sharing@agency.us", "node": "agency.us", "for": "agency.uk",
       "detail_left": ["subject", "area"], "count": 1}])"));
  const json& thin = metro["warnings_not_actionable"];
  ASSERT_EQ(thin.size(), 2u);
  EXPECT_EQ(thin[0]["msg"], "thin");
  EXPECT_EQ(thin[0]["unit"], "unit.manchester");
  EXPECT_EQ(thin[0]["at_h"], 20.0);
  EXPECT_EQ(thin[0]["actionable"], false);
  EXPECT_EQ(thin[0]["in_time"], true);
  EXPECT_EQ(thin[0]["detail"], json({"subject"}));
  EXPECT_EQ(thin[1]["msg"], "late");
  EXPECT_EQ(thin[1]["actionable"], true);
  EXPECT_EQ(thin[1]["in_time"], false);
}

TEST(PlotOutcomes, WithoutAnActedEventDetailDecidesAndTheDeadlineIsInclusive) {
  const std::vector<Event> events = events_from({
      {line("created", "src", "source@agency.uk", 0, {{"trace", "t3"}})},
      warning("thin", "src", "unit.manchester", 30, {"subject", "method"}, std::nullopt),
      warning("just-in-time", "src", "unit.manchester", 90, {"subject", "window"}, std::nullopt),
  });
  const json plots =
      plot_outcomes(events, MessageIndex(events), run_info({plot("arena", "t3", 100)}));
  ASSERT_EQ(plots.size(), 1u);
  EXPECT_EQ(plots[0]["averted"], true);
  EXPECT_EQ(plots[0]["first_actionable_at_h"], 90.0);
  EXPECT_EQ(plots[0]["lead_time_h"], 10.0);
  ASSERT_EQ(plots[0]["warnings_not_actionable"].size(), 1u);
  EXPECT_EQ(plots[0]["warnings_not_actionable"][0]["msg"], "thin");
}

TEST(PlotOutcomes, NoRunInfoMeansNoPlots) {
  const std::vector<Event> events;
  EXPECT_EQ(plot_outcomes(events, MessageIndex(events), nullptr), json::array());
}

}  // namespace
}  // namespace tearline::report
