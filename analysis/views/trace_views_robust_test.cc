// Views of damaged trace files: a cut last line, an unknown field, a file's
// lines out of order, an earlier run's lines in the same directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/views/trace_views.h"
#include "analysis/views/view_test_support.h"

namespace tearline {
namespace {

using trace_views::testing::by_mode;
using trace_views::testing::by_node;
using trace_views::testing::read_text;
using trace_views::testing::recorded_run;
using trace_views::testing::RunCopy;
using trace_views::testing::write_text;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

class TraceViewsRobust : public ::testing::Test {
 protected:
  void SetUp() override {
    // Cut: the last line of agency.bb (line 31) loses its end and newline.
    const auto bb = run_.file("coordinated", "agency.bb");
    std::string bb_text = read_text(bb);
    bb_text.resize(bb_text.size() - 40);
    write_text(bb, bb_text);
    // Unknown field on every line of unit.north.
    const auto north = run_.file("coordinated", "unit.north");
    std::vector<std::string> north_lines = lines_of(read_text(north));
    for (std::string& line : north_lines)
      line = "{\"future_field\":{\"x\":[1,2]}," + line.substr(1);
    write_text(north, joined(north_lines));
    // Out of order: the broker's lines reversed.
    const auto broker = run_.file("coordinated", "broker");
    std::vector<std::string> broker_lines = lines_of(read_text(broker));
    std::reverse(broker_lines.begin(), broker_lines.end());
    write_text(broker, joined(broker_lines));
  }

  RunCopy run_{"trace-views-robust"};
};

TEST_F(TraceViewsRobust, WarnsOnceWithFileAndLine) {
  std::vector<std::string> warnings;
  trace_summary(run_.dir(), {}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("agency.bb.trace.jsonl:31:"), std::string::npos) << warnings[0];
}

TEST_F(TraceViewsRobust, CountsUnchangedWhereDataUnchanged) {
  for (const std::string node : {"broker", "unit.north", "unit.south"}) {
    const TraceFilter filter = by_node(node);
    EXPECT_EQ(trace_summary(run_.dir(), filter, nullptr),
              trace_summary(recorded_run(), filter, nullptr))
        << node;
  }
  const TraceFilter bilateral = by_mode("bilateral");
  EXPECT_EQ(trace_summary(run_.dir(), bilateral, nullptr),
            trace_summary(recorded_run(), bilateral, nullptr));
}

TEST_F(TraceViewsRobust, EveryViewStillWorks) {
  EXPECT_NE(trace_follow(run_.dir(), "bb-north-1", {}, nullptr).find("pseudonymised"),
            std::string::npos);
  EXPECT_NE(trace_node(run_.dir(), "unit.north", {}, nullptr).find("intake@unit.north"),
            std::string::npos);
  EXPECT_NE(trace_lost(run_.dir(), "", {}, nullptr).find("== coordinated: lost messages"),
            std::string::npos);
}

// The rows of the events table of a node view, and their hours.
std::vector<std::string> event_rows(const std::string& text, std::vector<double>* hours) {
  std::vector<std::string> rows;
  bool in_table = false;
  for (const std::string& line : lines_of(text)) {
    if (line.starts_with("Events (")) {
      in_table = true;
    } else if (line.empty()) {
      in_table = false;
    } else if (in_table && !line.ends_with("reason")) {
      rows.push_back(line);
      hours->push_back(std::stod(line));
    }
  }
  return rows;
}

// The broker's lines reversed: its events come out in time order all the
// same (ties in time now in the reversed lines' order), with a warning.
TEST_F(TraceViewsRobust, NodeOfAFileOutOfOrderSortsItWithAWarning) {
  std::vector<std::string> warnings;
  std::vector<double> hours, recorded_hours;
  std::vector<std::string> rows =
      event_rows(trace_node(run_.dir(), "broker", {}, &warnings), &hours);
  std::vector<std::string> recorded_rows =
      event_rows(trace_node(recorded_run(), "broker", {}, nullptr), &recorded_hours);
  ASSERT_GT(rows.size(), 30u);
  EXPECT_TRUE(std::is_sorted(hours.begin(), hours.end()));
  EXPECT_EQ(hours, recorded_hours);
  std::sort(rows.begin(), rows.end());
  std::sort(recorded_rows.begin(), recorded_rows.end());
  EXPECT_EQ(rows, recorded_rows);
  const auto out_of_order = std::count_if(warnings.begin(), warnings.end(), [](const auto& text) {
    return text.find("broker.trace.jsonl: lines out of time order") != std::string::npos;
  });
  EXPECT_EQ(out_of_order, 1) << ::testing::PrintToString(warnings);
}

// A centre's members write its events into files named after them: the
// node view reads them all, in time order, the first half of the broker's
// lines in broker.a's file, the rest in broker.b's.
TEST(TraceViewsMembers, NodeWrittenByTwoMembersComesOutInTimeOrder) {
  RunCopy run("trace-views-members");
  const auto broker = run.file("coordinated", "broker");
  const std::vector<std::string> lines = lines_of(read_text(broker));
  const auto half = static_cast<std::ptrdiff_t>(lines.size() / 2);
  write_text(run.file("coordinated", "broker.a"), joined({lines.begin(), lines.begin() + half}));
  write_text(run.file("coordinated", "broker.b"), joined({lines.begin() + half, lines.end()}));
  std::filesystem::remove(broker);

  std::vector<std::string> warnings;
  std::vector<double> hours, recorded_hours;
  std::vector<std::string> rows =
      event_rows(trace_node(run.dir(), "broker", {}, &warnings), &hours);
  std::vector<std::string> recorded_rows =
      event_rows(trace_node(recorded_run(), "broker", {}, nullptr), &recorded_hours);
  EXPECT_TRUE(warnings.empty()) << ::testing::PrintToString(warnings);
  ASSERT_GT(rows.size(), 30u);
  EXPECT_EQ(hours, recorded_hours);
  std::sort(rows.begin(), rows.end());
  std::sort(recorded_rows.begin(), recorded_rows.end());
  EXPECT_EQ(rows, recorded_rows);
}

// The run directory reused: every file begins with an earlier run's lines
// (the same lines, an hour earlier), and a node of that run left a file.
class TraceViewsEarlierRun : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string mode : {"bilateral", "coordinated"}) {
      for (const auto& entry : std::filesystem::directory_iterator(run_.dir() + "/" + mode)) {
        const std::string text = read_text(entry.path());
        std::string earlier;
        for (const std::string& line : lines_of(text)) {
          nlohmann::json event = nlohmann::json::parse(line);
          event["wall_ms"] = event["wall_ms"].get<int64_t>() - kHourMs;
          earlier += event.dump() + "\n";
        }
        write_text(entry.path(), earlier + text);
        ++files_;
      }
    }
    write_text(run_.file("coordinated", "unit.west"),
               R"({"wall_ms":1795670000000,"t_h":1,"node":"unit.west","kind":"node_started"})"
               "\n");
  }

  static constexpr int64_t kHourMs = 3'600'000;
  RunCopy run_{"trace-views-earlier-run"};
  size_t files_ = 0;
};

TEST_F(TraceViewsEarlierRun, ReadsOnlyThisRunWarningOncePerFile) {
  std::vector<std::string> warnings;
  EXPECT_EQ(trace_summary(run_.dir(), {}, &warnings), trace_summary(recorded_run(), {}, nullptr));
  ASSERT_EQ(warnings.size(), files_ + 1);
  for (const std::string& warning : warnings) {
    EXPECT_NE(warning.find(".trace.jsonl:1: "), std::string::npos) << warning;
    EXPECT_NE(warning.find("from an earlier run skipped"), std::string::npos) << warning;
  }
  EXPECT_EQ(trace_lost(run_.dir(), "", {}, nullptr), trace_lost(recorded_run(), "", {}, nullptr));
  EXPECT_EQ(trace_follow(run_.dir(), "bb-north-1", {}, nullptr),
            trace_follow(recorded_run(), "bb-north-1", {}, nullptr));
  EXPECT_EQ(trace_node(run_.dir(), "broker", {}, nullptr),
            trace_node(recorded_run(), "broker", {}, nullptr));
}

}  // namespace
}  // namespace tearline
