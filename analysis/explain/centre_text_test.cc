// The centre's part of the report (failovers, down intervals) from
// hand-written traces, and how report.txt tells it.
#include "analysis/report/centre.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "analysis/explain/text_report.h"
#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::json;
using testing::line;
using testing::TempRunDir;

// 200 h from 2017-05-01 00:00 UTC; the arena plot's reports reach
// unit.manchester, which must act 10 h before the attack at hour 100.
const json kRunInfo = json::parse(R"({
  "scenario": "centre", "seed": "7", "duration_h": 200, "start_iso": "2017-05-01T00:00:00Z",
  "plots": [{"id": "arena", "area": "manchester", "attack_h": 100, "trace_ids": ["t-arena"]}],
  "units": [{"name": "unit.manchester", "area": "manchester", "response_h": 10,
             "agency": "agency.uk"},
            {"name": "unit.london", "area": "london", "response_h": 10, "agency": "agency.uk"}],
  "agencies": ["agency.uk", "agency.us"]})");

json at(const std::string& node, json extra = json::object()) {
  extra["node"] = node;
  return extra;
}

json broker(json extra = json::object()) { return at("broker", std::move(extra)); }

// A launcher line about the centre.
json centre_line(const std::string& kind, double t_h, json extra) {
  return line(kind, "", "", t_h, broker(std::move(extra)));
}

void write_launcher(TempRunDir* run, const std::vector<json>& centre_lines) {
  std::vector<json> lines = {line("run", "", "", 0, at("launcher", {{"run", kRunInfo}}))};
  lines.insert(lines.end(), centre_lines.begin(), centre_lines.end());
  run->append("coordinated", "launcher.trace.jsonl", lines);
}

// agency.us's report of the arena plot, sent to the broker at 1 h.
void write_agency(TempRunDir* run) {
  run->append(
      "coordinated", "agency.us.trace.jsonl",
      {line("created", "src", "source@agency.us", 1, at("agency.us", {{"trace", "t-arena"}})),
       line("created", "up", "agency.us->broker", 1, at("agency.us", {{"parent", "src"}})),
       line("delivered", "src", "desk@agency.us", 1, at("agency.us")),
       line("sent", "up", "agency.us->broker", 1, at("agency.us"))});
}

// The broker's routing of "up": the warning "w" to unit.manchester.
std::vector<json> route_up(double at_h) {
  return {line("received", "up", "agency.us->broker", at_h, broker()),
          line("delivered", "up", "route@broker", at_h, broker()),
          line("created", "w", "route@broker", at_h, broker({{"parent", "up"}}))};
}

// A send of `msg` from the broker to `unit`, attempt `attempt`.
json send(const std::string& kind, const std::string& msg, const std::string& unit, double at_h,
          int attempt) {
  return line(kind, msg, "broker->" + unit, at_h, broker({{"peer", unit}, {"attempt", attempt}}));
}

// unit.manchester receives "w" (attempt `attempt`) and acts on it.
void write_unit(TempRunDir* run, double at_h, int attempt) {
  const json unit = at("unit.manchester");
  run->append("coordinated", "unit.manchester.trace.jsonl",
              {line("received", "w", "broker->unit.manchester", at_h,
                    at("unit.manchester", {{"peer", "broker"}, {"attempt", attempt}})),
               line("queued", "w", "intake@unit.manchester", at_h, unit),
               line("served", "w", "intake@unit.manchester", at_h, unit),
               line("delivered", "w", "intake@unit.manchester", at_h,
                    at("unit.manchester", {{"detail", {"subject", "site"}}})),
               line("acted", "w", "intake@unit.manchester", at_h,
                    at("unit.manchester", {{"actionable", true}}))});
}

json build(const TempRunDir& run, std::string* text = nullptr) {
  std::vector<std::string> warnings;
  const v1::RunReport report = build_report(run.path(), &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  if (text != nullptr) *text = explain::render_text(report);
  return json::parse(to_json(report));
}

// The primary "broker" sends "w" at 49 h and dies at 50 h before the unit
// acknowledges it; the standby "broker.b" takes over at 50.25 h and resends
// it, and that copy makes the plot's outcome.
TEST(Centre, AFailoverBetweenTwoMemberFiles) {
  TempRunDir run;
  write_launcher(&run,
                 {centre_line("standby_started", 0, {{"peer", "broker.b"}}),
                  centre_line("node_stopped", 50, {{"peer", "broker"}, {"reason", "signal:KILL"}}),
                  centre_line("failover", 50.25, {{"peer", "broker.b"}, {"reason", "broker"}}),
                  centre_line("node_stopped", 200, {{"peer", "broker.b"}, {"reason", "exit:0"}})});
  write_agency(&run);
  // A node writes its file in time order.
  std::vector<json> primary = {line("node_started", "", "", 0, broker())};
  primary.push_back(line("created", "bg1", "route@broker", 20, broker()));
  primary.push_back(send("sent", "bg1", "unit.london", 20, 1));
  for (const json& routed : route_up(49)) primary.push_back(routed);
  primary.push_back(send("sent", "w", "unit.manchester", 49, 1));
  run.append("coordinated", "broker.trace.jsonl", primary);
  run.append("coordinated", "broker.b.trace.jsonl",
             {line("node_started", "", "", 50.25, broker({{"reason", "recovered"}})),
              send("resent", "w", "unit.manchester", 50.25, 2),
              line("created", "bg2", "route@broker", 60, broker()),
              send("sent", "bg2", "unit.london", 60, 1)});
  write_unit(&run, 51, 2);

  std::string text;
  const json report = build(run, &text);
  const json& centre = report["modes"]["coordinated"]["centre"];
  EXPECT_EQ(centre["node"], "broker");
  EXPECT_EQ(centre["members"], json({"broker", "broker.b"}));
  EXPECT_EQ(centre["failovers"], json::parse(R"([{"t_h": 50.25, "when": "2017-05-03T02:15:00Z",
                                                   "from": "broker", "to": "broker.b"}])"));
  EXPECT_EQ(centre["down"], json::parse(R"([{"t_h": 50, "when": "2017-05-03T02:00:00Z",
      "until_h": 50.25, "until": "2017-05-03T02:15:00Z", "hours": 0.25, "member": "broker",
      "reason": "signal:KILL", "back": "broker.b"}])"));
  EXPECT_EQ(centre["hours_without_centre"], 0.25);
  EXPECT_EQ(centre["warnings_by_member"], json({{"broker", 2}, {"broker.b", 1}}));
  EXPECT_EQ(centre["resends_by_member"], json({{"broker", 0}, {"broker.b", 1}}));
  const json& plot = report["modes"]["coordinated"]["plots"][0];
  EXPECT_EQ(plot["averted"], true);
  EXPECT_EQ(plot["centre_member"], "broker.b");
  // Each member process is listed with its own ends.
  std::map<std::string, json> exits;
  for (const json& node : report["modes"]["coordinated"]["nodes"])
    exits[node["name"]] = node["exits"];
  EXPECT_EQ(exits["broker"], json({"signal:KILL"}));
  EXPECT_EQ(exits["broker.b"], json({"exit:0"}));

  EXPECT_NE(text.find("\nCENTRE, coordinated: "), std::string::npos) << text;
  EXPECT_NE(text.find("  down      2017-05-03 02:00 - 02:15  (0.25 h)  broker signal:KILL, back on "
                      "broker.b\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  failover  2017-05-03 02:15"), std::string::npos) << text;
  EXPECT_NE(text.find("broker -> broker.b\n"), std::string::npos) << text;
  EXPECT_LT(text.find("  down "), text.find("  failover "));
  EXPECT_NE(text.find("  without an active centre: 0.25 h in all\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  warnings sent to units: broker 2, broker.b 1; resent: broker 0, "
                      "broker.b 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  arena, coordinated, via broker.b: "), std::string::npos) << text;
}

// Without a standby: one member file, killed at 30 h and restarted at 40 h,
// killed at 80 h and restarted at once; the run's end stops it cleanly.
TEST(Centre, NoStandbyARestartIsADownIntervalAndTheEndOfRunStopIsNot) {
  TempRunDir run;
  write_launcher(&run, {centre_line("node_stopped", 30, {{"reason", "signal:KILL"}}),
                        centre_line("node_stopped", 80, {{"reason", "crash"}}),
                        centre_line("node_stopped", 200, {{"reason", "exit:0"}})});
  write_agency(&run);
  std::vector<json> lines = {line("node_started", "", "", 0, broker()),
                             line("node_started", "", "", 40, broker({{"reason", "recovered"}}))};
  for (const json& routed : route_up(41)) lines.push_back(routed);
  lines.push_back(send("sent", "w", "unit.manchester", 41, 1));
  lines.push_back(line("node_started", "", "", 80, broker({{"reason", "recovered"}})));
  run.append("coordinated", "broker.trace.jsonl", lines);
  write_unit(&run, 42, 1);

  std::string text;
  const json report = build(run, &text);
  const json& centre = report["modes"]["coordinated"]["centre"];
  EXPECT_EQ(centre["members"], json({"broker"}));
  EXPECT_EQ(centre["failovers"], json::array());
  ASSERT_EQ(centre["down"].size(), 2u) << centre.dump();
  EXPECT_EQ(centre["down"][0]["t_h"], 30.0);
  EXPECT_EQ(centre["down"][0]["until_h"], 40.0);
  EXPECT_EQ(centre["down"][0]["hours"], 10.0);
  EXPECT_EQ(centre["down"][0]["member"], "broker");
  EXPECT_EQ(centre["down"][0]["back"], "broker");
  // Back within the hour it died: an interval of 0 h.
  EXPECT_EQ(centre["down"][1]["t_h"], 80.0);
  EXPECT_EQ(centre["down"][1]["hours"], 0.0);
  EXPECT_EQ(centre["down"][1]["reason"], "crash");
  EXPECT_EQ(centre["hours_without_centre"], 10.0);
  EXPECT_EQ(centre["warnings_by_member"], json({{"broker", 1}}));
  EXPECT_EQ(report["modes"]["coordinated"]["plots"][0]["centre_member"], "broker");

  EXPECT_NE(text.find("2017-05-02 06:00 - 16:00  (10.0 h)  broker signal:KILL, back "
                      "on broker\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  without an active centre: 10.0 h in all\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  warnings sent to units: broker 1; resent: broker 0\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("via broker"), std::string::npos) << text;
}

TEST(Centre, ADeathNeverRestartedIsDownUntilTheScenarioEnds) {
  TempRunDir run;
  write_launcher(&run, {centre_line("node_stopped", 150, {{"reason", "signal:KILL"}})});
  run.append("coordinated", "broker.trace.jsonl", {line("node_started", "", "", 0, broker())});

  std::string text;
  const json report = build(run, &text);
  const json& centre = report["modes"]["coordinated"]["centre"];
  EXPECT_EQ(centre["down"], json::parse(R"([{"t_h": 150, "when": "2017-05-07T06:00:00Z",
      "until_h": 200, "until": "2017-05-09T08:00:00Z", "hours": 50, "member": "broker",
      "reason": "signal:KILL"}])"));
  EXPECT_EQ(centre["hours_without_centre"], 50.0);
  EXPECT_FALSE(report["modes"]["coordinated"]["plots"][0].contains("centre_member"));
  EXPECT_NE(text.find("2017-05-07 06:00 - end of run  (50.0 h)  broker signal:KILL, "
                      "no member active again\n"),
            std::string::npos)
      << text;
}

TEST(Centre, OnlyTheEndOfRunStopIsACentreActiveThroughout) {
  TempRunDir run;
  write_launcher(&run, {centre_line("node_stopped", 200, {{"reason", "exit:0"}})});
  run.append("coordinated", "broker.trace.jsonl",
             {line("node_started", "", "", 0, broker()),
              line("node_stopped", "", "", 200, broker())});  // The member's own, not a death.
  run.append("bilateral", "launcher.trace.jsonl",
             {line("run", "", "", 0, at("launcher", {{"run", kRunInfo}}))});
  run.append("bilateral", "agency.us.trace.jsonl",
             {line("created", "m", "source@agency.us", 0, at("agency.us"))});

  std::string text;
  const json report = build(run, &text);
  const json& centre = report["modes"]["coordinated"]["centre"];
  EXPECT_EQ(centre["down"], json::array());
  EXPECT_EQ(centre["hours_without_centre"], 0.0);
  EXPECT_EQ(centre["warnings_by_member"], json({{"broker", 0}}));
  EXPECT_FALSE(report["modes"]["bilateral"].contains("centre"));
  EXPECT_FALSE(report["modes"]["bilateral"]["plots"][0].contains("centre_member"));
  EXPECT_NE(text.find("  no failover, and a member was the active centre throughout\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("CENTRE, bilateral"), std::string::npos) << text;
}

TEST(Centre, NoneWithoutARunInfo) {
  ModeTraces traces;
  traces.files = {"/run/coordinated/broker.trace.jsonl"};
  Event started;
  started.node = "broker";
  started.kind = "node_started";
  traces.events.push_back(started);
  EXPECT_FALSE(testing::mode_json(traces).contains("centre"));
  EXPECT_EQ(
      testing::mode_json(traces, json::parse(R"({"units": [], "agencies": []})"))["centre"]["node"],
      "broker");
}

}  // namespace
}  // namespace tearline::report
