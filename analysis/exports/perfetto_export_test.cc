#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "analysis/exports/export_test_support.h"
#include "analysis/exports/trace_exports.h"

namespace tearline::trace_exports {
namespace {

using nlohmann::json;

json parse(const std::string& text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << "not valid JSON";
  return doc;
}

// Flow ends by id: {starts, finishes}.
std::map<int64_t, std::pair<int, int>> flow_ends(const json& doc) {
  std::map<int64_t, std::pair<int, int>> ends;
  for (const json& event : doc["traceEvents"]) {
    const std::string ph = event["ph"];
    if (ph == "s") ++ends[event["id"].get<int64_t>()].first;
    if (ph == "f") {
      ++ends[event["id"].get<int64_t>()].second;
      EXPECT_EQ(event.value("bp", ""), "e");
    }
  }
  return ends;
}

void expect_well_formed(const json& doc) {
  ASSERT_TRUE(doc.contains("traceEvents"));
  ASSERT_TRUE(doc["traceEvents"].is_array());
  EXPECT_EQ(doc.value("displayTimeUnit", ""), "ms");
  std::set<int> processes;
  std::set<std::pair<int, int>> threads;
  for (const json& event : doc["traceEvents"]) {
    if (event["ph"] != "M") continue;
    if (event["name"] == "process_name") processes.insert(event["pid"].get<int>());
    if (event["name"] == "thread_name") threads.emplace(event["pid"], event["tid"]);
  }
  for (const json& event : doc["traceEvents"]) {
    ASSERT_TRUE(event.contains("ph") && event.contains("pid") && event.contains("tid"));
    EXPECT_TRUE(processes.contains(event["pid"].get<int>())) << event.dump();
    if (event["ph"] == "M") continue;
    EXPECT_TRUE(threads.contains({event["pid"], event["tid"]})) << event.dump();
    ASSERT_TRUE(event["ts"].is_number()) << event.dump();
    EXPECT_GE(event["ts"].get<double>(), 0.0) << event.dump();
    if (event["ph"] == "X") {
      EXPECT_GE(event["dur"].get<double>(), 0.0) << event.dump();
    }
  }
  // Slices of one track nest: sorted by start (longest first), each either
  // ends by the next one's start or contains it.
  std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> tracks;
  for (const json& event : doc["traceEvents"]) {
    if (event["ph"] != "X") continue;
    const double start = event["ts"];
    tracks[{event["pid"], event["tid"]}].emplace_back(start, start + event["dur"].get<double>());
  }
  for (auto& [track, slices] : tracks) {
    std::sort(slices.begin(), slices.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first, -a.second) < std::pair(b.first, -b.second);
    });
    std::vector<double> open;  // Ends of the enclosing slices.
    for (const auto& [start, end] : slices) {
      while (!open.empty() && open.back() <= start + 1e-9) open.pop_back();
      EXPECT_TRUE(open.empty() || end <= open.back() + 1e-9)
          << "slice [" << start << ", " << end << "] overlaps on pid " << track.first << " tid "
          << track.second;
      open.push_back(end);
    }
  }
  for (const auto& [id, ends] : flow_ends(doc)) {
    EXPECT_EQ(ends.first, 1) << "flow " << id;
    EXPECT_EQ(ends.second, 1) << "flow " << id;
  }
}

size_t count(const json& doc, const std::string& ph, const std::string& name = "") {
  size_t n = 0;
  for (const json& event : doc["traceEvents"]) {
    if (event["ph"] == ph && (name.empty() || event["name"] == name)) ++n;
  }
  return n;
}

TEST(PerfettoExport, MatchesGolden) {
  std::vector<std::string> warnings;
  const std::string out = export_perfetto(recorded_run(), &warnings);
  EXPECT_TRUE(warnings.empty());
  expect_golden("perfetto.json", out);
}

TEST(PerfettoExport, RecordedRunIsWellFormed) {
  const json doc = parse(export_perfetto(recorded_run(), nullptr));
  expect_well_formed(doc);
  EXPECT_EQ(count(doc, "M", "process_name"), 2u);  // bilateral, coordinated
  // Every one of the recording's 17 received transfers has its send.
  EXPECT_EQ(count(doc, "s"), 17u);
  EXPECT_GT(count(doc, "X"), count(doc, "s") + count(doc, "f"));  // queue slices too
  EXPECT_GT(count(doc, "i", "delivered"), 0u);
  EXPECT_GT(count(doc, "i", "acted"), 0u);
}

TEST(PerfettoExport, FaultyRunIsWellFormedAndShowsItsLosses) {
  std::vector<std::string> warnings;
  const json doc = parse(export_perfetto(recorded_faulty_run(), &warnings));
  EXPECT_TRUE(warnings.empty());
  expect_well_formed(doc);
  // Bilateral: three link losses; coordinated: one, and one to the crash.
  EXPECT_EQ(count(doc, "i", "lost"), 5u);
}

TEST(PerfettoExport, QueueSliceSpansQueuedToServed) {
  const json doc = parse(export_perfetto(recorded_run(), nullptr));
  // agency.aa's desk: queued at 40 h, served at 40.989048 h (bilateral).
  bool found = false;
  for (const json& event : doc["traceEvents"]) {
    if (event["ph"] == "X" && event["name"] == "desk@agency.aa" && event["pid"] == 1) {
      EXPECT_EQ(event["ts"].get<double>(), 40000.0);
      EXPECT_NEAR(event["dur"].get<double>(), 989.048, 1e-6);
      EXPECT_EQ(event["args"]["msg"], "aa-north-1");
      EXPECT_NEAR(event["args"]["service_h"].get<double>(), 0.989048, 1e-9);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(PerfettoExport, FlowOnlyWhenBothEndsExist) {
  TempRun run;
  run.copy_mode("bilateral");
  const size_t flows_before = count(parse(export_perfetto(run.path(), nullptr)), "s");
  // Drop unit.north's trace: its two received transfers lose their receive.
  run.write("bilateral", "unit.north", "");
  const json doc = parse(export_perfetto(run.path(), nullptr));
  expect_well_formed(doc);
  EXPECT_EQ(count(doc, "s"), flows_before - 2);
}

TEST(PerfettoExport, MalformedLineWarnsWithFileAndLine) {
  TempRun run;
  run.copy_mode("bilateral");
  run.append("bilateral", "unit.south", "{not json\n");
  std::vector<std::string> warnings;
  const json doc = parse(export_perfetto(run.path(), &warnings));
  expect_well_formed(doc);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("unit.south.trace.jsonl:"), std::string::npos) << warnings[0];
}

TEST(PerfettoExport, LostMessageIsAnInstant) {
  TempRun run;
  write_lost_run(run);
  const json doc = parse(export_perfetto(run.path(), nullptr));
  expect_well_formed(doc);
  EXPECT_EQ(count(doc, "i", "lost"), 1u);
  EXPECT_EQ(count(doc, "s"), 0u);  // sent, never received
}

TEST(PerfettoExport, OverlappingQueueStaysGoToASecondLane) {
  TempRun run;
  run.write("bilateral", "launcher",
            R"({"t_h":0,"node":"launcher","kind":"run","run":{}})"
            "\n");
  run.write("bilateral", "agency.aa",
            R"({"t_h":1,"node":"agency.aa","kind":"queued","msg":"m1","handoff":"desk@agency.aa"})"
            "\n"
            R"({"t_h":2,"node":"agency.aa","kind":"queued","msg":"m2","handoff":"desk@agency.aa"})"
            "\n"
            R"({"t_h":3,"node":"agency.aa","kind":"served","msg":"m1","handoff":"desk@agency.aa"})"
            "\n"
            R"({"t_h":4,"node":"agency.aa","kind":"served","msg":"m2","handoff":"desk@agency.aa"})"
            "\n");
  const json doc = parse(export_perfetto(run.path(), nullptr));
  expect_well_formed(doc);
  std::set<int> tids;
  for (const json& event : doc["traceEvents"]) {
    if (event["ph"] == "X") tids.insert(event["tid"].get<int>());
  }
  EXPECT_EQ(tids.size(), 2u);
  EXPECT_EQ(count(doc, "X"), 2u);
  EXPECT_EQ(count(doc, "M", "thread_name"), 3u);  // launcher, agency.aa, its second lane
}

}  // namespace
}  // namespace tearline::trace_exports
