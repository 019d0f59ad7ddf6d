#include "analysis/read/trace_reader.h"

#include <gtest/gtest.h>

#include "analysis/read/test_support.h"
#include "analysis/read/trace_scan.h"

namespace tearline::report {
namespace {

using nlohmann::json;
using testing::line;
using testing::TempRunDir;

TEST(ParseEvent, ReadsFieldsAndAcceptsInt64AsString) {
  Event event;
  const auto error = parse_event(
      R"({"kind":"received","t_h":2.5,"wall_ms":"1700000000123","node":"agency.uk","msg":"m1",)"
      R"("detail":["subject","site"],"actionable":true,"attempt":"2"})",
      &event);
  ASSERT_FALSE(error) << *error;
  EXPECT_EQ(event.kind, "received");
  EXPECT_DOUBLE_EQ(event.t_h, 2.5);
  EXPECT_EQ(event.wall_ms, 1700000000123);
  EXPECT_EQ(event.node, "agency.uk");
  EXPECT_EQ(event.detail, (std::vector<std::string>{"subject", "site"}));
  EXPECT_TRUE(event.actionable);
  EXPECT_EQ(event.attempt, 2u);
}

TEST(ParseEvent, RejectsWrongTypesAndMissingKind) {
  Event event;
  EXPECT_EQ(parse_event(R"({"kind":"sent",)", &event), "not valid JSON");
  EXPECT_EQ(parse_event("[1,2]", &event), "not a JSON object");
  EXPECT_EQ(parse_event(R"({"kind":"sent","t_h":"soon"})", &event),
            "field \"t_h\" is not a number");
  EXPECT_EQ(parse_event(R"({"kind":"sent","wall_ms":"12ms"})", &event),
            "field \"wall_ms\" is not an integer");
  EXPECT_EQ(parse_event(R"({"kind":"sent","attempt":-1})", &event),
            "field \"attempt\" is negative");
  EXPECT_EQ(parse_event(R"({"msg":"m1"})", &event), "no \"kind\"");
}

TEST(ReadMode, SkipsMalformedLinesWithOneWarningEachNamingFileAndLine) {
  TempRunDir run;
  run.append_text("bilateral", "agency.uk.trace.jsonl",
                  line("created", "m1", "source@agency.uk", 0).dump() + "\n" +
                      "{\"kind\":\"sent\",\n" +                            // line 2: cut short
                      "\n" +                                               // line 3: blank, fine
                      R"({"kind":"queued","t_h":"x"})" + "\n" +            // line 4: wrong type
                      line("delivered", "m1", "desk@agency.uk", 1).dump()  // line 5, no newline
  );
  std::vector<std::string> warnings;
  const ModeTraces traces = read_mode(run.path() + "/bilateral", &warnings);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("agency.uk.trace.jsonl:2:"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("not valid JSON"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("agency.uk.trace.jsonl:4:"), std::string::npos) << warnings[1];
  ASSERT_EQ(traces.events.size(), 2u);
  EXPECT_EQ(traces.events[1].kind, "delivered");
  EXPECT_EQ(traces.events[1].line, 5u);
  EXPECT_EQ(traces.mode, "bilateral");
}

TEST(ReadMode, MergesFilesInTimeOrderKeepingEachFilesOrderOnTies) {
  TempRunDir run;
  run.append(
      "coordinated", "broker.trace.jsonl",
      {line("received", "m1", "agency.us->broker", 2), line("queued", "m1", "officers@broker", 2)});
  run.append(
      "coordinated", "agency.us.trace.jsonl",
      {line("created", "m1", "agency.us->broker", 1), line("sent", "m1", "agency.us->broker", 1),
       line("acked", "m1", "agency.us->broker", 3)});
  run.append_text("coordinated", "notes.txt", "not a trace\n");
  const ModeTraces traces = read_mode(run.path() + "/coordinated", nullptr);
  std::vector<std::string> kinds;
  for (const Event& event : traces.events) kinds.push_back(event.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "sent", "received", "queued", "acked"}));
  EXPECT_EQ(traces.files.size(), 2u);
  for (size_t i = 0; i < traces.events.size(); ++i) EXPECT_EQ(traces.events[i].order, i);
}

// A run directory reused: trace files are appended to, so an earlier run's
// lines come first, and a node of the earlier run may have a file of its own.
TEST(ReadMode, SkipsAnEarlierRunsLinesWithOneWarningPerFile) {
  TempRunDir run;
  const json earlier = {{"wall_ms", 1000}};
  const json now = {{"wall_ms", 5000}};
  run.append("bilateral", "launcher.trace.jsonl",
             {line("run", "", "", 0, earlier), line("node_stopped", "", "", 9, {{"wall_ms", 1900}}),
              line("run", "", "", 0, now)});
  run.append("bilateral", "agency.uk.trace.jsonl",
             {line("created", "old1", "", 1, {{"wall_ms", 1100}}),
              line("delivered", "old1", "", 2, {{"wall_ms", 1200}}),
              line("created", "m1", "", 1, {{"wall_ms", 5100}}),
              line("delivered", "m1", "", 2, {{"wall_ms", 5200}})});
  run.append("bilateral", "unit.gone.trace.jsonl",
             {line("received", "old2", "", 1, {{"wall_ms", 1300}})});
  std::vector<std::string> warnings;
  const ModeTraces traces = read_mode(run.path() + "/bilateral", &warnings);

  std::vector<std::string> kept;
  for (const Event& event : traces.events) kept.push_back(event.kind + " " + event.msg);
  EXPECT_EQ(kept, (std::vector<std::string>{"run ", "created m1", "delivered m1"}));
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("agency.uk.trace.jsonl:1: 2 line(s) from an earlier run skipped"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("launcher.trace.jsonl:1: 2 line(s) from an earlier run"),
            std::string::npos)
      << warnings[1];
  EXPECT_NE(warnings[1].find("launcher.trace.jsonl:3"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[2].find("unit.gone.trace.jsonl:1: 1 line(s)"), std::string::npos)
      << warnings[2];
}

// The report's reading: a merge of the files, each in time order, gives the
// order read_mode() sorts into; a file out of order is warned about and the
// mode read again, sorted.
std::vector<std::string> merged_ids(const std::string& mode_dir, int* restarts,
                                    std::vector<std::string>* warnings) {
  ModeScan scan(mode_dir);
  std::vector<std::string> ids;
  scan.read_in_time_order([&ids](const EventFields& event) { ids.emplace_back(event.msg); },
                          [&] {
                            ids.clear();
                            ++*restarts;
                          },
                          warnings);
  return ids;
}

std::vector<std::string> sorted_ids(const std::string& mode_dir) {
  std::vector<std::string> ids;
  for (const Event& event : read_mode(mode_dir, nullptr).events) ids.push_back(event.msg);
  return ids;
}

TEST(ReadInTimeOrder, MergesFilesAsReadModeSortsThemAndSortsAFileOutOfOrder) {
  TempRunDir run;
  run.append("m", "launcher.trace.jsonl", {line("node_started", "l1", "", 0, {{"wall_ms", 1}})});
  run.append(
      "m", "a.trace.jsonl",
      {line("sent", "a1", "", 1, {{"wall_ms", 10}}), line("sent", "a2", "", 2, {{"wall_ms", 5}}),
       line("sent", "a3", "", 2, {{"wall_ms", 5}}), line("sent", "a4", "", 4, {{"wall_ms", 40}})});
  run.append(
      "m", "b.trace.jsonl",
      {line("sent", "b1", "", 1, {{"wall_ms", 10}}), line("sent", "b2", "", 2, {{"wall_ms", 4}}),
       line("sent", "b3", "", 3, {{"wall_ms", 30}})});
  const std::string mode = run.path() + "/m";
  int restarts = 0;
  std::vector<std::string> warnings;
  EXPECT_EQ(merged_ids(mode, &restarts, &warnings),
            (std::vector<std::string>{"l1", "a1", "b1", "b2", "a2", "a3", "b3", "a4"}));
  EXPECT_EQ(merged_ids(mode, &restarts, &warnings), sorted_ids(mode));
  EXPECT_EQ(restarts, 0);
  EXPECT_TRUE(warnings.empty());

  // A restarted node that wrote an earlier hour after a later one.
  run.append("m", "b.trace.jsonl", {line("sent", "b4", "", 2.5, {{"wall_ms", 50}})});
  const std::vector<std::string> ids = merged_ids(mode, &restarts, &warnings);
  EXPECT_EQ(ids, sorted_ids(mode));
  EXPECT_EQ(ids.size(), 9u);
  EXPECT_EQ(restarts, 1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("b.trace.jsonl:4: out of time order"), std::string::npos)
      << warnings[0];
}

TEST(FindModeDirs, OnlyDirectoriesHoldingALauncherTrace) {
  TempRunDir run;
  run.append("coordinated", "launcher.trace.jsonl", {line("run", "", "", 0)});
  run.append("bilateral", "launcher.trace.jsonl", {line("run", "", "", 0)});
  run.append("scratch", "agency.uk.trace.jsonl", {line("created", "m1", "", 0)});
  const auto modes = find_mode_dirs(run.path());
  ASSERT_EQ(modes.size(), 2u);
  EXPECT_EQ(modes[0].filename(), "bilateral");
  EXPECT_EQ(modes[1].filename(), "coordinated");
  EXPECT_TRUE(find_mode_dirs(run.path() + "/does-not-exist").empty());
}

}  // namespace
}  // namespace tearline::report
