#include "traces/live/live_tally.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "traces/live/trace_tail.h"
#include "traces/report/report.h"
#include "traces/report/report_json.h"

namespace tearline::live {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A recorded run copied into a scratch folder a part at a time, as a run
// writes its traces: each step adds the next share of every file's bytes,
// cutting lines anywhere.
class GrowingRun {
 public:
  explicit GrowingRun(const std::string& recorded) {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(test->test_suite_name()) + "." + test->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::path(testing::TempDir()) / ("tearline_live_" + name);
    fs::remove_all(dir_);
    const fs::path source = fs::path(TEARLINE_SOURCE_DIR) / "tests/data" / recorded;
    for (const auto& mode : fs::directory_iterator(source)) {
      if (!mode.is_directory()) continue;
      fs::create_directories(dir_ / mode.path().filename());
      for (const auto& file : fs::directory_iterator(mode.path())) {
        texts_[mode.path().filename() / file.path().filename()] = read_all(file.path());
      }
    }
  }
  ~GrowingRun() { fs::remove_all(dir_); }

  // Writes share `step` of `steps` of each file.
  void grow(size_t step, size_t steps) {
    for (const auto& [relative, text] : texts_) {
      write_all(dir_ / relative, std::string_view(text).substr(0, text.size() * step / steps));
    }
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
  std::map<fs::path, std::string> texts_;
};

// What both show of each handoff: counts and losses, without delays.
json handoff_figures(const json& rows) {
  json figures = json::array();
  for (const json& row : rows) {
    figures.push_back({{"name", row["name"]},
                       {"in", row["in"]},
                       {"out", row["out"]},
                       {"lost", row["lost"]},
                       {"in_flight", row["in_flight"]}});
  }
  return figures;
}

// The report's figures that the live view shows, for comparison.
json report_figures(const json& mode) {
  json plots = json::array();
  for (const json& plot : mode["plots"]) {
    const bool averted = plot["averted"].get<bool>();
    const int64_t warnings = plot["warnings"].get<int64_t>();
    plots.push_back({{"id", plot["id"]},
                     {"warnings", warnings},
                     {"state", averted        ? "actionable"
                               : warnings > 0 ? "thin"
                                              : "none"}});
  }
  return {{"handoffs", handoff_figures(mode["handoffs"])}, {"plots", plots}};
}

json live_figures(const json& snapshot) {
  json plots = json::array();
  for (const json& plot : snapshot["plots"]) {
    plots.push_back({{"id", plot["id"]}, {"warnings", plot["warnings"]}, {"state", plot["state"]}});
  }
  return {{"handoffs", handoff_figures(snapshot["handoffs"])}, {"plots", plots}};
}

class LiveTallyTest : public testing::TestWithParam<const char*> {};

TEST_P(LiveTallyTest, GrowingTracesEndAtTheReportsFigures) {
  GrowingRun run(GetParam());
  std::vector<std::string> warnings;
  constexpr size_t kSteps = 13;  // Cuts fall inside lines.
  for (const std::string mode : {"bilateral", "coordinated"}) {
    TraceTail tail(run.dir() / mode);
    LiveTally tally;
    std::vector<size_t> events_seen;
    for (size_t step = 0; step <= kSteps; ++step) {
      run.grow(step, kSteps);
      TraceTail::Batch batch = tail.read_new();
      EXPECT_FALSE(batch.restarted);
      EXPECT_EQ(batch.malformed_lines, 0u) << mode << " step " << step;
      for (const report::Event& event : batch.events) tally.add(event);
      events_seen.push_back(tally.snapshot()["events"].get<size_t>());
    }
    EXPECT_LT(events_seen[kSteps / 2], events_seen.back()) << "the counts grew as the files did";
    const json report = json::parse(report::to_json(build_report(run.dir().string(), &warnings)));
    const json expected = report_figures(report["modes"][mode]);
    EXPECT_FALSE(expected["handoffs"].empty());
    EXPECT_FALSE(expected["plots"].empty());
    EXPECT_EQ(live_figures(final_tally(run.dir() / mode, &warnings).snapshot()), expected) << mode;
    // As the traces went, the tally saw all but the losses the report
    // derives for what a dead node held.
    json streamed = live_figures(tally.snapshot());
    json derived_losses = 0;
    for (size_t i = 0; i < expected["handoffs"].size(); ++i) {
      json& row = streamed["handoffs"][i];
      const json& want = expected["handoffs"][i];
      for (const auto& [reason, count] : want["lost"].items()) {
        if (reason.starts_with("crash:") && !row["lost"].contains(reason)) {
          row["lost"][reason] = count;
          derived_losses = derived_losses.get<int>() + count.get<int>();
        }
      }
    }
    EXPECT_EQ(streamed, expected) << mode;
    if (std::string(GetParam()) == "recorded-faulty-run" && mode == "coordinated") {
      EXPECT_GT(derived_losses.get<int>(), 0) << "the faulty run has a crash loss to derive";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(RecordedRuns, LiveTallyTest,
                         testing::Values("recorded-run", "recorded-faulty-run"),
                         [](const auto& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(LiveTallyTest, PlotStatesGoFromNoneToThinToActionable) {
  LiveTally tally;
  report::Event run;
  run.node = "launcher";
  run.kind = "run";
  run.run = json::parse(R"({"duration_h": 100,
      "plots": [{"id": "plot.n", "area": "north", "attack_h": 50, "trace_ids": ["r1", "r2"]}],
      "units": [{"name": "unit.n", "area": "north", "response_h": 10}]})");
  tally.add(run);
  const auto state = [&tally] { return tally.snapshot()["plots"][0]["state"]; };
  EXPECT_EQ(state(), "none");
  const auto deliver = [&tally](std::string msg, std::string trace, double at_h, bool actionable) {
    report::Event delivered;
    delivered.node = "unit.n";
    delivered.kind = "delivered";
    delivered.handoff = "intake@unit.n";
    delivered.msg = msg;
    delivered.trace = std::move(trace);
    delivered.t_h = at_h;
    tally.add(delivered);
    report::Event acted = delivered;
    acted.kind = "acted";
    acted.actionable = actionable;
    tally.add(acted);
  };
  deliver("other>unit.n", "r9", 5, true);  // Not this plot's report.
  EXPECT_EQ(state(), "none");
  deliver("r1>unit.n", "r1", 10, false);
  EXPECT_EQ(state(), "thin");
  deliver("r2>unit.n", "r2", 45, true);  // Actionable, but after attack_h - response_h.
  EXPECT_EQ(state(), "thin");
  deliver("r2b>unit.n", "r2", 40, true);
  EXPECT_EQ(state(), "actionable");
  EXPECT_EQ(tally.snapshot()["plots"][0]["warnings"], 3);
  EXPECT_EQ(tally.snapshot()["now_h"], 45.0);
}

TEST(LiveTallyTest, QueueDepthIsTheLatestEventsAndAbsentMeansEmpty) {
  LiveTally tally;
  report::Event queued;
  queued.node = "agency.a";
  queued.kind = "queued";
  queued.handoff = "desk@agency.a";
  queued.msg = "m1";
  queued.depth = 3;
  tally.add(queued);
  EXPECT_EQ(tally.snapshot()["handoffs"][0]["depth"], 3);
  report::Event served = queued;
  served.kind = "served";
  served.depth.reset();
  tally.add(served);
  EXPECT_EQ(tally.snapshot()["handoffs"][0]["depth"], 0);
  report::Event sent = queued;
  sent.handoff = "agency.a->agency.b";
  sent.kind = "sent";
  tally.add(sent);
  EXPECT_TRUE(tally.snapshot()["handoffs"][0]["depth"].is_null()) << "links have no queue";
}

TEST(TraceTailTest, AFileCutBackIsReadAgainFromTheStart) {
  const fs::path dir = fs::path(testing::TempDir()) / "tearline_live_cut_back";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string line1 = R"({"t_h":1,"node":"a","kind":"created","msg":"m1"})";
  const std::string line2 = R"({"t_h":2,"node":"a","kind":"created","msg":"m2"})";
  write_all(dir / "a.trace.jsonl", line1 + "\n" + line2 + "\n");
  TraceTail tail(dir);
  EXPECT_EQ(tail.read_new().events.size(), 2u);
  write_all(dir / "a.trace.jsonl", line1 + "\n");  // Cut back to its last commit.
  TraceTail::Batch batch = tail.read_new();
  EXPECT_TRUE(batch.restarted);
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.events[0].msg, "m1");
  fs::remove_all(dir);
}

TEST(TraceTailTest, JunkAndOverlongLinesAreSkippedAndCounted) {
  const fs::path dir = fs::path(testing::TempDir()) / "tearline_live_junk";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string good = R"({"t_h":1,"node":"a","kind":"created","msg":"m1"})";
  write_all(dir / "a.trace.jsonl", "not json\n" + std::string(TraceTail::kMaxLineBytes + 10, 'x'));
  TraceTail tail(dir);
  TraceTail::Batch batch = tail.read_new();
  EXPECT_EQ(batch.malformed_lines, 2u);
  EXPECT_TRUE(batch.events.empty());
  // The overlong line ends; what follows is read.
  std::ofstream(dir / "a.trace.jsonl", std::ios::app) << "yyy\n" << good << "\n";
  batch = tail.read_new();
  EXPECT_EQ(batch.malformed_lines, 0u);
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.events[0].msg, "m1");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tearline::live
