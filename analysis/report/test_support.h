// Helpers for the report tests: the report ModeBuilder makes of hand-written
// events (and, from analysis/read/test_support.h, trace lines and run
// directories in the temp folder).
#pragma once

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <optional>

#include "analysis/read/test_support.h"
#include "analysis/report/mode_builder.h"
#include "analysis/report/report_json.h"

namespace tearline::report::testing {

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

}  // namespace tearline::report::testing
