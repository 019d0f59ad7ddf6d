#include "analysis/report/plot_outcomes.h"

#include <gtest/gtest.h>

#include <tuple>

#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;
using testing::mode_json;

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
  const json plots = mode_json(events, run_info({plot("arena", "t1", 100)}))["plots"];
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
  const json plots = mode_json(events, run_info({plot("metro", "t2", 100)}))["plots"];
  ASSERT_EQ(plots.size(), 1u);
  const json& metro = plots[0];
  EXPECT_EQ(metro["averted"], false);
  EXPECT_EQ(metro["warnings"], 2);
  EXPECT_FALSE(metro.contains("first_actionable_at"));
  EXPECT_FALSE(metro.contains("first_actionable_at_h"));
  EXPECT_FALSE(metro.contains("lead_time_h"));
  EXPECT_TRUE(metro["path"].empty());
  EXPECT_EQ(metro["lost_at"], json::parse(R"([
      {"handoff": "database@agency.uk", "node": "agency.uk", "reason": "queued",
       "fate": "in_flight", "count": 1},
      {"handoff": "sharing@agency.us", "node": "agency.us", "reason": "withheld:source-protection",
       "fate": "lost", "count": 1}])"));
  EXPECT_EQ(metro["degraded_at"], json::parse(R"([
      {"handoff": "sharing@agency.us", "node": "agency.us", "for": "agency.uk",
       "detail_left": ["subject", "area"], "count": 1, "reason": "", "source_value": ""}])"));
  EXPECT_EQ(metro["withheld_at"], json::parse(R"([
      {"handoff": "sharing@agency.us", "node": "agency.us", "for": "",
       "detail_left": [], "count": 1, "reason": "withheld:source-protection",
       "source_value": ""}])"));
  const json& thin = metro["warnings_not_actionable"];
  ASSERT_EQ(thin.size(), 2u);
  EXPECT_EQ(thin[0]["msg"], "thin");
  EXPECT_EQ(thin[0]["unit"], "unit.manchester");
  EXPECT_EQ(thin[0]["at_h"], 20.0);
  EXPECT_EQ(thin[0]["actionable"], false);
  EXPECT_EQ(thin[0]["in_time"], true);
  EXPECT_EQ(thin[0]["detail"], json({"subject"}));
  EXPECT_EQ(thin[0]["missing"], json({"site or window"}));
  EXPECT_EQ(thin[0]["respond_by_h"], 90.0);
  EXPECT_EQ(thin[1]["msg"], "late");
  EXPECT_EQ(thin[1]["actionable"], true);
  EXPECT_EQ(thin[1]["in_time"], false);
  EXPECT_TRUE(thin[1]["missing"].empty());
}

TEST(PlotOutcomes, WithoutAnActedEventDetailDecidesAndTheDeadlineIsInclusive) {
  const std::vector<Event> events = events_from({
      {line("created", "src", "source@agency.uk", 0, {{"trace", "t3"}})},
      warning("thin", "src", "unit.manchester", 30, {"subject", "method"}, std::nullopt),
      warning("just-in-time", "src", "unit.manchester", 90, {"subject", "window"}, std::nullopt),
  });
  const json plots = mode_json(events, run_info({plot("arena", "t3", 100)}))["plots"];
  ASSERT_EQ(plots.size(), 1u);
  EXPECT_EQ(plots[0]["averted"], true);
  EXPECT_EQ(plots[0]["first_actionable_at_h"], 90.0);
  EXPECT_EQ(plots[0]["lead_time_h"], 10.0);
  ASSERT_EQ(plots[0]["warnings_not_actionable"].size(), 1u);
  EXPECT_EQ(plots[0]["warnings_not_actionable"][0]["msg"], "thin");
}

TEST(PlotOutcomes, ThePathFollowsTheWarningsParentsNotTheirSiblingBranches) {
  const json us = {{"node", "agency.us"}};
  const json uk = {{"node", "agency.uk"}};
  const json unit = {{"node", "unit.manchester"}};
  const std::vector<Event> events = events_of({
      line("created", "src", "source@agency.us", 0, {{"node", "agency.us"}, {"trace", "t1"}}),
      line("queued", "src", "desk@agency.us", 0, us),
      line("dequeued", "src", "desk@agency.us", 0.5, us),
      line("served", "src", "desk@agency.us", 1, us),
      line("created", "copy", "sharing@agency.us", 1, {{"node", "agency.us"}, {"parent", "src"}}),
      // The original is filed at home after the copy was made: not on the copy's path.
      line("queued", "src", "database@agency.us", 1, us),
      line("sanitised", "copy", "sharing@agency.us", 1, us),
      line("sent", "copy", "agency.us->agency.uk", 1, us),
      line("served", "src", "database@agency.us", 3, us),
      line("delivered", "src", "database@agency.us", 3, us),
      line("received", "copy", "agency.us->agency.uk", 2, uk),
      line("queued", "copy", "database@agency.uk", 2, uk),
      line("served", "copy", "database@agency.uk", 8, uk),
      line("delivered", "copy", "database@agency.uk", 8, uk),
      line("created", "poll", "poll@agency.uk", 10, {{"node", "agency.uk"}, {"parent", "copy"}}),
      line("sent", "poll", "agency.uk->unit.manchester", 10, uk),
      line("received", "poll", "agency.uk->unit.manchester", 10.5, unit),
      line("queued", "poll", "intake@unit.manchester", 10.5, unit),
      line("served", "poll", "intake@unit.manchester", 11, unit),
      line("delivered", "poll", "intake@unit.manchester", 11,
           {{"node", "unit.manchester"}, {"detail", {"subject", "site"}}}),
  });
  const json arena = mode_json(events, run_info({plot("arena", "t1", 100)}))["plots"][0];
  EXPECT_EQ(arena["first_actionable_msg"], "poll");
  EXPECT_EQ(arena["path"],
            json({"desk@agency.us", "sharing@agency.us", "agency.us->agency.uk",
                  "database@agency.uk", "agency.uk->unit.manchester", "intake@unit.manchester"}));
  // Every copy, with its hops: the original filed at home too.
  const json& copies = arena["copies"];
  ASSERT_EQ(copies.size(), 3u);
  EXPECT_EQ(copies[0]["msg"], "src");
  EXPECT_EQ(copies[0]["fate"], "delivered");
  EXPECT_EQ(copies[0]["hops"], json::parse(R"([
      {"handoff": "desk@agency.us", "node": "agency.us", "in_h": 0, "out_h": 1},
      {"handoff": "database@agency.us", "node": "agency.us", "in_h": 1, "out_h": 3}])"));
  EXPECT_EQ(copies[1]["msg"], "copy");
  EXPECT_EQ(copies[1]["parent"], "src");
  EXPECT_EQ(copies[1]["trace"], "t1");
  EXPECT_EQ(copies[1]["hops"].size(), 3u);
  EXPECT_EQ(copies[1]["hops"][0], json::parse(R"(
      {"handoff": "sharing@agency.us", "node": "agency.us", "in_h": 1, "out_h": 1})"));
  EXPECT_EQ(copies[2]["msg"], "poll");
  EXPECT_EQ(copies[2]["hops"].size(), 2u);
  EXPECT_EQ(arena["copies_omitted"], 0);
}

TEST(PlotOutcomes, SharingDecisionsSayWhyGroupedAndCopiesAreBounded) {
  const json us = {{"node", "agency.us"}};
  const auto withheld = [](const std::string& msg, const std::string& partner, double trust) {
    return line("withheld", msg, "sharing@agency.us", 1,
                {{"node", "agency.us"},
                 {"peer", partner},
                 {"reason", "withheld:source-protection"},
                 {"source_value", "insider"},
                 {"trust", trust},
                 {"full_trust_min", 0.9},
                 {"sanitised_trust_min", 0.6}});
  };
  std::vector<json> lines = {
      line("created", "src", "source@agency.us", 0, {{"node", "agency.us"}, {"trace", "t1"}})};
  for (const auto& [msg, partner, trust] : {std::tuple{"to-uk-1", "agency.uk", 0.4},
                                            {"to-uk-2", "agency.uk", 0.4},
                                            {"to-fr", "agency.fr", 0.5}}) {
    lines.push_back(
        line("created", msg, "sharing@agency.us", 1, {{"node", "agency.us"}, {"parent", "src"}}));
    lines.push_back(withheld(msg, partner, trust));
  }
  for (size_t i = 0; i < kPlotCopiesMax; ++i) {
    lines.push_back(line("created", "copy-" + std::to_string(i), "sharing@agency.us", 1,
                         {{"node", "agency.us"}, {"parent", "src"}}));
  }
  const json arena = mode_json(events_of(lines), run_info({plot("arena", "t1", 100)}))["plots"][0];
  EXPECT_EQ(arena["withheld_at"], json::parse(R"([
      {"handoff": "sharing@agency.us", "node": "agency.us", "for": "agency.fr", "detail_left": [],
       "count": 1, "reason": "withheld:source-protection", "source_value": "insider",
       "trust": 0.5, "full_trust_min": 0.9, "sanitised_trust_min": 0.6},
      {"handoff": "sharing@agency.us", "node": "agency.us", "for": "agency.uk", "detail_left": [],
       "count": 2, "reason": "withheld:source-protection", "source_value": "insider",
       "trust": 0.4, "full_trust_min": 0.9, "sanitised_trust_min": 0.6}])"));
  // src, the three withheld copies and kPlotCopiesMax more: the first ones listed.
  EXPECT_EQ(arena["copies"].size(), kPlotCopiesMax);
  EXPECT_EQ(arena["copies"][0]["msg"], "src");
  EXPECT_EQ(arena["copies"][1]["fate"], "lost");
  EXPECT_EQ(arena["copies"][1]["reason"], "withheld:source-protection");
  EXPECT_EQ(arena["copies_omitted"], 4);
}

TEST(PlotOutcomes, NoRunInfoMeansNoPlots) {
  const std::vector<Event> events;
  EXPECT_EQ(mode_json(events)["plots"], json::array());
}

}  // namespace
}  // namespace tearline::report
