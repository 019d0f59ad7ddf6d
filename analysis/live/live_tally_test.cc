#include "analysis/live/live_tally.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/live/trace_tail.h"
#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "tearline/v1/run_report.pb.h"

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
// writes its traces: each step adds every file's lines up to the next
// scenario time (so a message's arrival is never written before its
// sending, as in a run), and half of the line after them.
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
        const std::string text = read_all(file.path());
        texts_[mode.path().filename() / file.path().filename()] = text;
        for (const double t_h : times_of_lines(text)) times_h_.push_back(t_h);
      }
    }
    std::sort(times_h_.begin(), times_h_.end());
  }
  ~GrowingRun() { fs::remove_all(dir_); }

  // Writes each file's lines up to the time of line `step` / `steps` of all
  // (in time order), and half of the next line.
  void grow(size_t step, size_t steps) {
    // Steps of about as many lines each, however they spread in time.
    const double until_h =
        step == steps ? times_h_.back() : times_h_[times_h_.size() * step / steps];
    for (const auto& [relative, text] : texts_) {
      size_t length = 0;
      for (const double t_h : times_of_lines(text)) {
        const size_t line_end = text.find('\n', length) + 1;
        if (t_h > until_h) {
          length += (line_end - length) / 2;
          break;
        }
        length = line_end;
      }
      write_all(dir_ / relative, std::string_view(text).substr(0, length));
    }
  }
  const fs::path& dir() const { return dir_; }

 private:
  // Each line's scenario time, in order.
  static std::vector<double> times_of_lines(const std::string& text) {
    std::vector<double> times;
    for (size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos;
         begin = end + 1) {
      const json line = json::parse(text.substr(begin, end - begin));
      times.push_back(line.value("t_h", 0.0));
    }
    return times;
  }

  fs::path dir_;
  std::map<fs::path, std::string> texts_;
  std::vector<double> times_h_;  // Of every line, sorted.
};

// What the page's figures and the report both show of each handoff and
// plot: counts and losses, without delays.
json figures_of_handoffs(const json& rows) {
  json figures = json::array();
  for (const json& row : rows) {
    figures.push_back({{"name", row["name"]},
                       {"in", row.value("in", 0)},
                       {"out", row.value("out", 0)},
                       {"lost", row.value("lost", json::object())},
                       {"in_flight", row.value("in_flight", 0)}});
  }
  return figures;
}

// The report's figures that the live view shows, from report.json's mode.
json report_figures(const json& mode) {
  json plots = json::array();
  for (const json& plot : mode["plots"]) {
    const bool averted = plot.value("averted", false);
    const int64_t warnings = plot.value("warnings", 0);
    plots.push_back({{"id", plot["id"]},
                     {"warnings", warnings},
                     {"state", averted        ? "actionable"
                               : warnings > 0 ? "thin"
                                              : "none"}});
  }
  return {{"handoffs", figures_of_handoffs(mode["handoffs"])}, {"plots", plots}};
}

json live_figures(const json& figures) {
  json plots = json::array();
  for (const json& plot : figures["plots"]) {
    plots.push_back({{"id", plot["id"]}, {"warnings", plot["warnings"]}, {"state", plot["state"]}});
  }
  return {{"handoffs", figures_of_handoffs(figures["handoffs"])}, {"plots", plots}};
}

size_t total_of(const json& figures, const std::string& column) {
  size_t total = 0;
  for (const json& row : figures["handoffs"]) total += row[column].get<size_t>();
  return total;
}

// in = out + lost + in flight, row by row; the rows that break it.
std::vector<std::string> unbalanced(const json& figures) {
  std::vector<std::string> rows;
  for (const json& row : figures["handoffs"]) {
    if (row["in"] != row["out"].get<size_t>() + row["lost_total"].get<size_t>() +
                         row["in_flight"].get<size_t>()) {
      rows.push_back(row.dump());
    }
  }
  return rows;
}

class LiveTallyTest : public testing::TestWithParam<const char*> {};

TEST_P(LiveTallyTest, GrowingTracesEndAtTheReportsFigures) {
  GrowingRun run(GetParam());
  std::vector<std::string> warnings;
  constexpr size_t kSteps = 13;
  for (const std::string mode : {"bilateral", "coordinated"}) {
    LiveTally tally(run.dir() / mode);
    std::vector<size_t> events_seen;
    std::vector<size_t> in_seen;
    size_t in_flight_most = 0;
    for (size_t step = 0; step <= kSteps; ++step) {
      run.grow(step, kSteps);
      tally.update();
      EXPECT_EQ(tally.malformed_lines(), 0u) << mode << " step " << step;
      events_seen.push_back(tally.events());
      const json figures = figures_json(tally.snapshot(), tally);
      in_seen.push_back(total_of(figures, "in"));
      in_flight_most = std::max(in_flight_most, total_of(figures, "in_flight"));
      EXPECT_EQ(unbalanced(figures), std::vector<std::string>()) << mode << " step " << step;
    }
    EXPECT_LT(events_seen[kSteps / 2], events_seen.back()) << "the counts grew as the files did";
    EXPECT_LT(in_seen[kSteps / 2], in_seen.back()) << "the handoffs' in grew as the files did";
    EXPECT_GT(in_flight_most, 0u) << "messages were held somewhere while the traces grew";
    // Every line counted once.
    size_t lines = 0;
    for (const auto& file : fs::directory_iterator(run.dir() / mode)) {
      const std::string text = read_all(file.path());
      lines += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    }
    EXPECT_EQ(tally.events(), lines) << mode;

    const json report = json::parse(report::to_json(build_report(run.dir().string(), &warnings)));
    const json expected = report_figures(report["modes"][mode]);
    EXPECT_FALSE(expected["handoffs"].empty());
    EXPECT_FALSE(expected["plots"].empty());
    // Fed a batch at a time, the builder ends at the report's figures.
    EXPECT_EQ(live_figures(figures_json(tally.snapshot(), tally)), expected) << mode;
  }
}

INSTANTIATE_TEST_SUITE_P(RecordedRuns, LiveTallyTest,
                         testing::Values("recorded-run", "recorded-faulty-run"),
                         [](const auto& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(LiveTallyTest, PlotStatesAreTheReportsOutcomes) {
  v1::ModeReport report;
  const auto plot = [&report](std::string id, bool averted, uint32_t warnings) {
    v1::PlotOutcome* outcome = report.add_plots();
    outcome->set_id(std::move(id));
    outcome->set_averted(averted);
    outcome->set_warnings(warnings);
  };
  plot("quiet", false, 0);
  plot("thin", false, 2);
  plot("averted", true, 1);
  LiveTally tally(fs::path(testing::TempDir()) / "tearline_live_no_such_mode");
  const json figures = figures_json(report, tally);
  EXPECT_EQ(figures["plots"][0]["state"], "none");
  EXPECT_EQ(figures["plots"][1]["state"], "thin");
  EXPECT_EQ(figures["plots"][2]["state"], "actionable");
  EXPECT_EQ(figures["plots"][1]["warnings"], 2);
  EXPECT_TRUE(figures["duration_h"].is_null()) << "no run event, no duration";
}

// A scratch mode folder whose files the test writes line by line.
class ScratchMode {
 public:
  explicit ScratchMode(const std::string& name)
      : dir_(fs::path(testing::TempDir()) / ("tearline_live_" + name)) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~ScratchMode() { fs::remove_all(dir_); }
  void append(const std::string& file, const std::string& line) {
    std::ofstream(dir_ / file, std::ios::app) << line << "\n";
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

TEST(LiveTallyTest, QueueDepthIsTheLatestEventsAndAbsentMeansEmpty) {
  ScratchMode mode("depth");
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":1,"node":"agency.a","kind":"created","msg":"m1","handoff":"desk@agency.a"})");
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":1,"node":"agency.a","kind":"queued","msg":"m1","handoff":"desk@agency.a","depth":3})");
  LiveTally tally(mode.dir());
  EXPECT_TRUE(tally.update());
  EXPECT_EQ(tally.depths().at("desk@agency.a"), 3u);
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":2,"node":"agency.a","kind":"served","msg":"m1","handoff":"desk@agency.a"})");
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":2,"node":"agency.a","kind":"sent","msg":"m1","handoff":"agency.a->agency.b"})");
  EXPECT_TRUE(tally.update());
  EXPECT_FALSE(tally.update()) << "nothing new";
  const json figures = figures_json(tally.snapshot(), tally);
  ASSERT_EQ(figures["handoffs"].size(), 2u) << figures.dump();
  EXPECT_EQ(figures["handoffs"][0]["name"], "agency.a->agency.b");
  EXPECT_TRUE(figures["handoffs"][0]["depth"].is_null()) << "links have no queue";
  EXPECT_EQ(figures["handoffs"][1]["name"], "desk@agency.a");
  EXPECT_EQ(figures["handoffs"][1]["depth"], 0);
  EXPECT_EQ(figures["handoffs"][1]["out"], 1);
  EXPECT_EQ(figures["now_h"], 2.0);
}

// A trace file found after the first lines were fed (a fault tool's, a node
// started late) is one the builder was not made with: it starts again from
// the files' beginnings, and counts every line once.
TEST(LiveTallyTest, AFileFoundLaterIsCountedOnce) {
  ScratchMode mode("late_file");
  mode.append(
      "launcher.trace.jsonl",
      R"({"t_h":0,"node":"launcher","kind":"run","run":{"duration_h":10,"agencies":["agency.a"]}})");
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":1,"node":"agency.a","kind":"created","msg":"m1","handoff":"desk@agency.a"})");
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":1,"node":"agency.a","kind":"sent","msg":"m1","handoff":"agency.a->agency.b"})");
  LiveTally tally(mode.dir());
  EXPECT_TRUE(tally.update());
  EXPECT_EQ(tally.events(), 3u);
  mode.append(
      "agency.b.trace.jsonl",
      R"({"t_h":2,"node":"agency.b","kind":"received","msg":"m1","handoff":"agency.a->agency.b"})");
  EXPECT_TRUE(tally.update());
  EXPECT_EQ(tally.events(), 4u);
  const json figures = figures_json(tally.snapshot(), tally);
  ASSERT_EQ(figures["handoffs"].size(), 2u) << figures.dump();
  EXPECT_EQ(figures["handoffs"][0]["name"], "agency.a->agency.b");
  EXPECT_EQ(figures["handoffs"][0]["in"], 1);
  EXPECT_EQ(figures["handoffs"][0]["out"], 1);
  EXPECT_EQ(figures["duration_h"], 10.0);
}

// The builder takes the run's RunInfo (plots, units) when it is made: the
// launcher's "run" event read after the nodes' first lines makes it start
// again, and the plots appear.
TEST(LiveTallyTest, ARunEventReadLateBringsThePlots) {
  ScratchMode mode("late_run");
  mode.append(
      "agency.a.trace.jsonl",
      R"({"t_h":1,"node":"agency.a","kind":"created","msg":"m1","handoff":"desk@agency.a"})");
  LiveTally tally(mode.dir());
  EXPECT_TRUE(tally.update());
  EXPECT_TRUE(figures_json(tally.snapshot(), tally)["plots"].empty());
  mode.append("launcher.trace.jsonl", R"({"t_h":0,"node":"launcher","kind":"run","run":{)"
                                      R"("duration_h":10,"agencies":["agency.a"],"plots":[{"id":)"
                                      R"("plot.n","area":"north","attack_h":5}]}})");
  EXPECT_TRUE(tally.update());
  EXPECT_EQ(tally.events(), 2u);
  const json figures = figures_json(tally.snapshot(), tally);
  ASSERT_EQ(figures["plots"].size(), 1u) << figures.dump();
  EXPECT_EQ(figures["plots"][0]["id"], "plot.n");
  EXPECT_EQ(figures["plots"][0]["state"], "none");
}

TEST(TraceTailTest, AFileCutBackIsReadAgainFromTheStart) {
  const fs::path dir = fs::path(testing::TempDir()) / "tearline_live_cut_back";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string line1 = R"({"t_h":1,"node":"a","kind":"created","msg":"m1"})";
  const std::string line2 = R"({"t_h":2,"node":"a","kind":"created","msg":"m2"})";
  write_all(dir / "a.trace.jsonl", line1 + "\n" + line2 + "\n");
  TraceTail tail(dir);
  const TraceTail::Batch first = tail.read_new();
  ASSERT_EQ(first.events.size(), 2u);
  EXPECT_EQ(first.events[1].line, 2u);
  EXPECT_EQ(first.events[1].file, 0u);
  ASSERT_EQ(tail.files().size(), 1u);
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
  write_all(dir / "a.trace.jsonl", "not json\n" + std::string(TraceTail::kLineBytesMax + 10, 'x'));
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
