#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "traces/trace_exports/export_test_support.h"
#include "traces/trace_exports/trace_exports.h"

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

std::vector<json> spans_of(const json& doc) {
  std::vector<json> spans;
  for (const json& resource : doc["resourceSpans"]) {
    for (const json& scope : resource["scopeSpans"]) {
      for (const json& span : scope["spans"]) spans.push_back(span);
    }
  }
  return spans;
}

void expect_well_formed(const json& doc) {
  ASSERT_FALSE(doc.is_discarded()) << "not valid JSON";
  ASSERT_TRUE(doc["resourceSpans"].is_array());
  for (const json& resource : doc["resourceSpans"]) {
    EXPECT_EQ(resource["resource"]["attributes"][0]["key"], "service.name");
    EXPECT_EQ(resource["resource"]["attributes"][0]["value"]["stringValue"], "tearline");
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
    if (!span.contains("parentSpanId")) continue;
    const auto parent = trace_of_span.find(span["parentSpanId"]);
    ASSERT_NE(parent, trace_of_span.end()) << span.dump();
    EXPECT_EQ(parent->second, span["traceId"]) << span.dump();
  }
}

json export_json(const std::string& run_dir) {
  return json::parse(export_otlp(run_dir, nullptr), nullptr, /*allow_exceptions=*/false);
}

TEST(OtlpExport, MatchesGolden) {
  std::vector<std::string> warnings;
  const std::string out = export_otlp(recorded_run(), &warnings);
  EXPECT_TRUE(warnings.empty());
  expect_golden("otlp.json", out);
}

TEST(OtlpExport, RecordedRunIsWellFormed) {
  const json doc = export_json(recorded_run());
  expect_well_formed(doc);
  EXPECT_EQ(doc["resourceSpans"].size(), 2u);  // bilateral, coordinated
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
  // wall_ms 1016 to 1024.
  EXPECT_EQ(link["startTimeUnixNano"], "1016000000");
  EXPECT_EQ(link["endTimeUnixNano"], "1024000000");
  EXPECT_FALSE(by_name["source@agency.aa"].contains("status"));
}

// Without wall_ms, times come from scenario time: the run event's wall time
// is scenario hour 0, and a scenario hour lasts ms_per_scenario_hour.
TEST(OtlpExport, ScenarioTimeWhenWallTimeIsMissing) {
  TempRun run;
  run.write(
      "bilateral", "launcher",
      R"({"wall_ms":"1000","t_h":0,"node":"launcher","kind":"run","run":{"ms_per_scenario_hour":8.0}})"
      "\n");
  run.write(
      "bilateral", "agency.aa",
      R"({"t_h":2,"node":"agency.aa","kind":"queued","msg":"m","trace":"m","handoff":"desk@agency.aa"})"
      "\n"
      R"({"t_h":2.5,"node":"agency.aa","kind":"expired","msg":"m","trace":"m","handoff":"desk@agency.aa"})"
      "\n");
  const json doc = export_json(run.path());
  expect_well_formed(doc);
  const std::vector<json> spans = spans_of(doc);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]["startTimeUnixNano"], "1016000000");
  EXPECT_EQ(spans[0]["endTimeUnixNano"], "1020000000");
  EXPECT_EQ(spans[0]["status"]["message"], "expired");  // No reason: the kind.
}

TEST(OtlpExport, MalformedLineWarnsAndIsSkipped) {
  TempRun run;
  write_lost_run(run);
  run.append("bilateral", "agency.aa", "[1,2]\n");
  std::vector<std::string> warnings;
  const json doc = json::parse(export_otlp(run.path(), &warnings));
  expect_well_formed(doc);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("agency.aa.trace.jsonl:5"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace tearline::trace_exports
