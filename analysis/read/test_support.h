// Helpers for the trace-reading tests: hand-written trace lines and events,
// and run directories in the temp folder.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/read/trace_reader.h"
#include "analysis/read/trace_scan.h"

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
