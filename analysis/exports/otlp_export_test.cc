#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "analysis/exports/export_test_support.h"
#include "analysis/exports/trace_exports.h"

namespace tearline::trace_exports {
namespace {

using nlohmann::json;

bool is_hex(const std::string& text, size_t length) {
  return text.size() == length && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string attribute(const json& span, const std::string& key) {
  for (const json& item : span["attributes"]) {
    if (item["key"] == key) return item["value"].value("stringValue", "");
  }
  return "";
}

std::string service_of(const json& resource) {
  for (const json& item : resource["resource"]["attributes"]) {
    if (item["key"] == "service.name") return item["value"]["stringValue"];
  }
  return "";
}

std::vector<json> spans_of(const json& doc) {
  std::vector<json> spans;
  for (const json& resource : doc["resourceSpans"]) {
    for (const json& scope : resource["scopeSpans"]) {
      for (const json& span : scope["spans"]) spans.push_back(span);
    }
  }
  return spans;
}

// Valid spans; with parents_here, each parent among them.
void expect_well_formed(const json& doc, bool parents_here = true) {
  ASSERT_FALSE(doc.is_discarded()) << "not valid JSON";
  ASSERT_TRUE(doc["resourceSpans"].is_array());
  for (const json& resource : doc["resourceSpans"]) {
    EXPECT_FALSE(service_of(resource).empty()) << resource["resource"].dump();
  }
  const std::vector<json> spans = spans_of(doc);
  std::map<std::string, std::string> trace_of_span;
  for (const json& span : spans) {
    const std::string trace = span["traceId"];
    const std::string id = span["spanId"];
    EXPECT_TRUE(is_hex(trace, 32) && trace != std::string(32, '0')) << trace;
    EXPECT_TRUE(is_hex(id, 16) && id != std::string(16, '0')) << id;
    EXPECT_TRUE(trace_of_span.emplace(id, trace).second) << "duplicate spanId " << id;
    ASSERT_TRUE(span["startTimeUnixNano"].is_string() && span["endTimeUnixNano"].is_string());
    EXPECT_GE(std::stoll(span["endTimeUnixNano"].get<std::string>()),
              std::stoll(span["startTimeUnixNano"].get<std::string>()))
        << span.dump();
  }
  for (const json& span : spans) {
    if (!span.contains("parentSpanId") || !parents_here) continue;
    const auto parent = trace_of_span.find(span["parentSpanId"]);
    ASSERT_NE(parent, trace_of_span.end()) << span.dump();
    EXPECT_EQ(parent->second, span["traceId"]) << span.dump();
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The export of run_dir into one file (no split), as text.
std::string export_text(const std::string& run_dir, std::vector<std::string>* warnings) {
  // Beside, not in, a TempRun: a test's TempRuns share one path.
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("tearline-otlp-export-" + std::to_string(::getpid()) + ".json"))
                               .string();
  const auto files = export_otlp(run_dir, path, kOtlpFileBytesMax, warnings);
  EXPECT_EQ(files.size(), 1u);
  std::string text = read_file(path);
  std::filesystem::remove(path);
  return text;
}

json export_json(const std::string& run_dir, std::vector<std::string>* warnings = nullptr) {
  return json::parse(export_text(run_dir, warnings), nullptr, /*allow_exceptions=*/false);
}

TEST(OtlpExport, MatchesGolden) {
  std::vector<std::string> warnings;
  const std::string out = export_text(recorded_run(), &warnings);
  EXPECT_TRUE(warnings.empty());
  expect_golden("otlp.json", out);
}

// A service per node and mode; spans in the scenario's calendar (the
// recording starts 2020-01-01T00:00:00Z), with its hours as attributes.
TEST(OtlpExport, RecordedRunIsWellFormedInScenarioTimeWithAServicePerNode) {
  const json doc = export_json(recorded_run());
  expect_well_formed(doc);
  std::set<std::pair<std::string, std::string>> services;  // Mode, node.
  for (const json& resource : doc["resourceSpans"]) {
    std::string mode;
    for (const json& item : resource["resource"]["attributes"]) {
      if (item["key"] == "tearline.mode") mode = item["value"]["stringValue"];
    }
    services.emplace(mode, service_of(resource));
  }
  EXPECT_TRUE(services.contains({"coordinated", "broker"}));
  EXPECT_TRUE(services.contains({"bilateral", "agency.aa"}));
  EXPECT_TRUE(services.contains({"bilateral", "unit.north"}));
  EXPECT_FALSE(services.contains({"bilateral", "broker"}));

  constexpr int64_t k2020Ns = 1577836800LL * 1'000'000'000;
  constexpr int64_t k2021Ns = 1609459200LL * 1'000'000'000;
  int64_t first_ns = INT64_MAX;
  for (const json& span : spans_of(doc)) {
    const int64_t start = std::stoll(span["startTimeUnixNano"].get<std::string>());
    first_ns = std::min(first_ns, start);
    std::map<std::string, double> hours;
    for (const json& item : span["attributes"]) {
      if (item["value"].contains("doubleValue")) hours[item["key"]] = item["value"]["doubleValue"];
    }
    ASSERT_EQ(hours.count("tearline.t_h.start"), 1u) << span.dump();
    // start = 2020-01-01 + t_h hours, to the nanosecond.
    EXPECT_EQ(start, k2020Ns + std::llround(hours["tearline.t_h.start"] * 3600e9)) << span.dump();
    EXPECT_FALSE(attribute(span, "tearline.handoff").empty());
  }
  EXPECT_GE(first_ns, k2020Ns);
  EXPECT_LT(first_ns, k2021Ns);
}

// Past the size limit the spans go on in "<stem>.2.json", ...: each file a
// complete request under the limit, and together every span once.
TEST(OtlpExport, SplitsIntoCompleteFilesUnderTheLimit) {
  const size_t whole_spans = spans_of(export_json(recorded_run())).size();
  TempRun out;
  constexpr size_t kLimitBytes = 16 * 1024;
  const auto files = export_otlp(recorded_run(), out.path() + "/x.json", kLimitBytes, nullptr);
  ASSERT_GE(files.size(), 3u);
  EXPECT_EQ(files[0].first, out.path() + "/x.json");
  EXPECT_EQ(files[1].first, out.path() + "/x.2.json");
  EXPECT_EQ(files[2].first, out.path() + "/x.3.json");
  size_t spans = 0;
  for (const auto& [path, bytes] : files) {
    const std::string text = read_file(path);
    EXPECT_EQ(text.size(), bytes) << path;
    EXPECT_LE(text.size(), kLimitBytes) << path;
    const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    expect_well_formed(doc, /*parents_here=*/false);
    spans += spans_of(doc).size();
    EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  }
  EXPECT_EQ(spans, whole_spans);
}

TEST(OtlpExport, FaultyRunIsWellFormed) {
  const json doc = export_json(recorded_faulty_run());
  expect_well_formed(doc);
  size_t errors = 0;
  for (const json& resource : doc["resourceSpans"]) {
    for (const json& scope : resource["scopeSpans"]) {
      for (const json& span : scope["spans"]) {
        errors += span.contains("status") && span["status"]["code"] == 2 ? 1 : 0;
      }
    }
  }
  EXPECT_EQ(errors, 5u);  // The five losses, the crash's among them.
}

// Each trace has one root: the source report's first hop.
TEST(OtlpExport, EachTraceHangsFromItsSourceReport) {
  const std::vector<json> spans = spans_of(export_json(recorded_run()));
  ASSERT_FALSE(spans.empty());
  std::map<std::string, std::vector<json>> roots;
  std::set<std::string> traces;
  for (const json& span : spans) {
    traces.insert(span["traceId"]);
    if (!span.contains("parentSpanId")) roots[span["traceId"]].push_back(span);
  }
  for (const std::string& trace : traces) {
    ASSERT_EQ(roots[trace].size(), 1u) << trace;
    const json& root = roots[trace].front();
    EXPECT_EQ(attribute(root, "tearline.msg"), attribute(root, "tearline.trace"));
    EXPECT_EQ(attribute(root, "tearline.kind"), "created");
  }
}

TEST(OtlpExport, ServedHopCarriesWaitAndService) {
  bool found = false;
  for (const json& span : spans_of(export_json(recorded_run()))) {
    if (span["name"] != "desk@agency.aa" || attribute(span, "tearline.msg") != "aa-north-1") {
      continue;
    }
    std::map<std::string, double> numbers;
    for (const json& item : span["attributes"]) {
      if (item["value"].contains("doubleValue"))
        numbers[item["key"]] = item["value"]["doubleValue"];
    }
    EXPECT_EQ(numbers.count("tearline.wait_h"), 1u);
    EXPECT_NEAR(numbers["tearline.service_h"], 0.989048, 1e-9);
    EXPECT_EQ(attribute(span, "tearline.node"), "agency.aa");
    found = true;
  }
  EXPECT_TRUE(found);
}

TEST(OtlpExport, LostHopHasErrorStatusAndItsParentIsTheCreatingHop) {
  TempRun run;
  write_lost_run(run);
  const json doc = export_json(run.path());
  expect_well_formed(doc);
  const std::vector<json> spans = spans_of(doc);
  std::map<std::string, json> by_name;
  for (const json& span : spans) by_name[span["name"]] = span;
  ASSERT_EQ(by_name.count("agency.aa->unit.north"), 1u);
  const json& link = by_name["agency.aa->unit.north"];
  EXPECT_EQ(link["status"]["code"], 2);
  EXPECT_EQ(link["status"]["message"], "link down");
  EXPECT_EQ(attribute(link, "tearline.reason"), "link down");
  EXPECT_EQ(link["parentSpanId"], by_name["poll@agency.aa"]["spanId"]);
  EXPECT_EQ(by_name["poll@agency.aa"]["parentSpanId"], by_name["source@agency.aa"]["spanId"]);
  EXPECT_FALSE(by_name["source@agency.aa"].contains("parentSpanId"));
  // Scenario hours 2 to 3; no start_iso: hour 0 is the Unix epoch.
  EXPECT_EQ(link["startTimeUnixNano"], "7200000000000");
  EXPECT_EQ(link["endTimeUnixNano"], "10800000000000");
  EXPECT_FALSE(by_name["source@agency.aa"].contains("status"));
}

// Times are scenario time from RunInfo.start_iso, whatever the wall clock
// said and however fast the run went.
TEST(OtlpExport, TimesAreTheScenarioCalendarNotTheWallClock) {
  TempRun run;
  run.write(
      "bilateral", "launcher",
      R"({"wall_ms":"1000","t_h":0,"node":"launcher","kind":"run","run":{"start_iso":"2017-03-15T06:00:00+01:00"}})"
      "\n");
  run.write(
      "bilateral", "agency.aa",
      R"({"wall_ms":"1001","t_h":2,"node":"agency.aa","kind":"queued","msg":"m","trace":"m","handoff":"desk@agency.aa"})"
      "\n"
      R"({"wall_ms":"1001","t_h":2.5,"node":"agency.aa","kind":"expired","msg":"m","trace":"m","handoff":"desk@agency.aa"})"
      "\n");
  const json doc = export_json(run.path());
  expect_well_formed(doc);
  const std::vector<json> spans = spans_of(doc);
  ASSERT_EQ(spans.size(), 1u);
  // 2017-03-15T05:00:00Z is 1489554000 s; + 2 h and + 2.5 h.
  EXPECT_EQ(spans[0]["startTimeUnixNano"], "1489561200000000000");
  EXPECT_EQ(spans[0]["endTimeUnixNano"], "1489563000000000000");
  EXPECT_EQ(spans[0]["status"]["message"], "expired");  // No reason: the kind.
  EXPECT_EQ(service_of(doc["resourceSpans"][0]), "agency.aa");
}

// Names with quotes, backslashes, control characters and non-ASCII text
// come out as valid JSON holding the same text.
TEST(OtlpExport, StringsAreEscaped) {
  TempRun run;
  run.write("bilateral", "launcher",
            R"({"t_h":0,"node":"launcher","kind":"run","run":{}})"
            "\n");
  run.write(
      "bilateral", "agency.aa",
      R"({"t_h":1,"node":"agency.aa","kind":"created","msg":"m\"1\\x\t\u0001é","trace":"t","handoff":"désk@agency.aa"})"
      "\n");
  std::vector<std::string> warnings;
  const json doc = export_json(run.path(), &warnings);
  EXPECT_TRUE(warnings.empty());
  expect_well_formed(doc);
  const std::vector<json> spans = spans_of(doc);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(attribute(spans[0], "tearline.msg"), "m\"1\\x\t\x01\xc3\xa9");
  EXPECT_EQ(spans[0]["name"], "d\xc3\xa9sk@agency.aa");
}

TEST(OtlpExport, MalformedLineWarnsAndIsSkipped) {
  TempRun run;
  write_lost_run(run);
  run.append("bilateral", "agency.aa", "[1,2]\n");
  std::vector<std::string> warnings;
  const json doc = export_json(run.path(), &warnings);
  expect_well_formed(doc);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("agency.aa.trace.jsonl:5"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace tearline::trace_exports
