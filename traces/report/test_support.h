// Helpers for the report tests: hand-written trace events and run
// directories in the temp folder.
#pragma once

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/report/mode_builder.h"
#include "traces/report/report_json.h"
#include "traces/report/trace_reader.h"
#include "traces/report/trace_scan.h"

namespace tearline::report::testing {

using nlohmann::json;

// A trace line: kind, msg, handoff and t_h, plus `extra` fields.
inline json line(const std::string& kind, const std::string& msg, const std::string& handoff,
                 double t_h, json extra = json::object()) {
  json event = {{"kind", kind}, {"t_h", t_h}};
  if (!msg.empty()) event["msg"] = msg;
  if (!handoff.empty()) event["handoff"] = handoff;
  event.update(extra);
  return event;
}

// Parsed events in time order, as if all read from one file in this order.
inline std::vector<Event> events_of(const std::vector<json>& lines) {
  std::vector<Event> events;
  for (size_t i = 0; i < lines.size(); ++i) {
    Event event;
    const auto error = parse_event(lines[i].dump(), &event);
    EXPECT_FALSE(error) << *error << " in " << lines[i].dump();
    event.line = i + 1;
    events.push_back(std::move(event));
  }
  sort_in_time_order(&events);
  return events;
}

// The ModeReport that ModeBuilder makes of `traces` (events in time order)
// with `run_info` (a RunInfo's JSON; null for none), as report.json writes
// it: a field it leaves out is absent.
inline json mode_json(const ModeTraces& traces, const json& run_info = nullptr) {
  std::optional<v1::RunInfo> info;
  if (!run_info.is_null()) {
    info.emplace();
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status =
        google::protobuf::util::JsonStringToMessage(run_info.dump(), &*info, options);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  ModeBuilder builder(traces.mode, info, traces.files);
  for (const Event& event : traces.events) builder.add(fields_of(event));
  v1::RunReport report;
  (*report.mutable_modes())["mode"] = builder.finish(nullptr);
  return json::parse(to_json(report))["modes"]["mode"];
}

// As above, for events all of one file, "test.trace.jsonl".
inline json mode_json(const std::vector<Event>& events, const json& run_info = nullptr) {
  ModeTraces traces;
  traces.mode = "mode";
  traces.files = {"test.trace.jsonl"};
  traces.events = events;
  return mode_json(traces, run_info);
}

// A run directory in the temp folder, named after the running test, removed
// with this object.
class TempRunDir {
 public:
  TempRunDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("tearline-report-" + std::string(test->test_suite_name()) + "-" + test->name() + "-" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempRunDir() { std::filesystem::remove_all(path_); }
  TempRunDir(const TempRunDir&) = delete;
  TempRunDir& operator=(const TempRunDir&) = delete;

  std::string path() const { return path_.string(); }

  // Appends `text` verbatim to <mode>/<file>.
  void append_text(const std::string& mode, const std::string& file, const std::string& text) {
    std::filesystem::create_directories(path_ / mode);
    std::ofstream(path_ / mode / file, std::ios::app) << text;
  }

  // Appends one JSON line per event to <mode>/<file>.
  void append(const std::string& mode, const std::string& file, const std::vector<json>& lines) {
    std::string text;
    for (const json& event : lines) text += event.dump() + "\n";
    append_text(mode, file, text);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace tearline::report::testing
