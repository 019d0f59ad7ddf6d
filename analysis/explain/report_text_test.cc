// The report built from hand-written traces and recorded runs, and its text
// (report.txt): conservation, plots, exposure, the runs a dead launcher left.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/explain/text_report.h"
#include "analysis/read/trace_scan.h"
#include "analysis/report/mode_builder.h"
#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "analysis/report/test_support.h"

namespace tearline {
namespace {

using report::testing::json;
using report::testing::line;
using report::testing::TempRunDir;

const json kRunInfo = json::parse(R"({
  "scenario": "manchester-2017", "seed": "42", "ms_per_scenario_hour": 10, "duration_h": 200,
  "start_iso": "2017-05-01T00:00:00Z",
  "plots": [{"id": "manchester-arena", "area": "manchester", "attack_h": 100,
             "trace_ids": ["t-arena"]}],
  "units": [{"name": "unit.manchester", "area": "manchester", "response_h": 10,
             "agency": "agency.uk"}],
  "agencies": ["agency.uk", "agency.us"]})");

json at(const std::string& node, json extra = json::object()) {
  extra["node"] = node;
  return extra;
}

// Bilateral: one copy of the source report withheld, one shared in full that
// is still queued at the UK database at the end; a background report expires.
void write_bilateral(TempRunDir* run) {
  run->append("bilateral", "launcher.trace.jsonl",
              {line("run", "", "", 0, {{"node", "launcher"}, {"run", kRunInfo}}),
               line("node_stopped", "", "", 200, {{"node", "agency.us"}, {"reason", "exit:0"}}),
               line("node_stopped", "", "", 200, {{"node", "agency.uk"}, {"reason", "exit:0"}}),
               line("node_stopped", "", "", 200,
                    {{"node", "unit.manchester"}, {"reason", "signal:KILL"}})});
  // Peak memory, a wall-clock fact, is kept by the launcher out of the traces.
  run->append_text("bilateral", "nodes.json",
                   R"({"nodes":[{"name":"agency.us","peak_rss_kib":10240},)"
                   R"({"name":"agency.uk","peak_rss_kib":20480}]})");
  run->append(
      "bilateral", "agency.us.trace.jsonl",
      {line("created", "src", "source@agency.us", 0, at("agency.us", {{"trace", "t-arena"}})),
       line("queued", "src", "desk@agency.us", 0, at("agency.us")),
       line("served", "src", "desk@agency.us", 2, at("agency.us")),
       line("created", "copy", "sharing@agency.us", 2,
            at("agency.us", {{"parent", "src"}, {"peer", "agency.uk"}})),
       line("withheld", "copy", "sharing@agency.us", 2,
            at("agency.us", {{"reason", "withheld:source-protection"}})),
       line("created", "copy2", "sharing@agency.us", 2,
            at("agency.us", {{"parent", "src"}, {"peer", "agency.fr"}})),
       line("shared", "copy2", "sharing@agency.us", 2, at("agency.us")),
       line("sent", "copy2", "agency.us->agency.uk", 2, at("agency.us")),
       line("queued", "src", "database@agency.us", 2, at("agency.us")),
       line("served", "src", "database@agency.us", 3, at("agency.us")),
       line("delivered", "src", "database@agency.us", 3, at("agency.us"))});
  run->append_text("bilateral", "agency.uk.trace.jsonl", "{\"kind\": \"queued\", \"t_h\"\n");
  run->append("bilateral", "agency.uk.trace.jsonl",
              {line("created", "bg", "background@agency.uk", 0, at("agency.uk")),
               line("queued", "bg", "database@agency.uk", 0, at("agency.uk")),
               line("received", "copy2", "agency.us->agency.uk", 4,
                    at("agency.uk", {{"source_kind", "handle"},
                                     {"source", "us-asset-7"},
                                     {"source_agency", "agency.us"}})),
               line("queued", "copy2", "database@agency.uk", 4, at("agency.uk")),
               line("expired", "bg", "database@agency.uk", 48,
                    at("agency.uk", {{"reason", "expired:backlog"}})),
               line("in_flight", "copy2", "database@agency.uk", 200,
                    at("agency.uk", {{"reason", "queued"}}))});
  run->append("bilateral", "unit.manchester.trace.jsonl",
              {line("node_started", "", "", 0, at("unit.manchester"))});
}

// Coordinated: the report reaches the Manchester unit through the broker 70 h
// before the attack; a "ghost" copy is sent and never heard of again.
void write_coordinated(TempRunDir* run) {
  run->append("coordinated", "launcher.trace.jsonl",
              {line("run", "", "", 0, {{"node", "launcher"}, {"run", kRunInfo}})});
  run->append(
      "coordinated", "agency.us.trace.jsonl",
      {line("created", "src", "source@agency.us", 0, at("agency.us", {{"trace", "t-arena"}})),
       line("queued", "src", "desk@agency.us", 0, at("agency.us")),
       line("served", "src", "desk@agency.us", 2, at("agency.us")),
       line("created", "up", "agency.us->broker", 2, at("agency.us", {{"parent", "src"}})),
       line("delivered", "src", "desk@agency.us", 2, at("agency.us")),
       line("sent", "up", "agency.us->broker", 2, at("agency.us"))});
  run->append(
      "coordinated", "broker.trace.jsonl",
      {line("received", "up", "agency.us->broker", 3,
            at("broker", {{"source_kind", "sealed"}, {"source_agency", "agency.us"}})),
       line("queued", "up", "officers@broker", 3, at("broker", {{"wall_ms", 30}})),
       line("dequeued", "up", "officers@broker", 20, at("broker", {{"wall_ms", 200}})),
       line("served", "up", "officers@broker", 28, at("broker", {{"wall_ms", 280}})),
       // In time order: wall time too, where there is some.
       line("delivered", "up", "route@broker", 28, at("broker", {{"wall_ms", 280}})),
       line("created", "w", "route@broker", 28, at("broker", {{"parent", "up"}, {"wall_ms", 280}})),
       line("sent", "w", "broker->unit.manchester", 28, at("broker", {{"wall_ms", 280}})),
       line("created", "ghost", "route@broker", 28,
            at("broker", {{"parent", "up"}, {"wall_ms", 280}})),
       line("sent", "ghost", "broker->unit.manchester", 28, at("broker", {{"wall_ms", 280}}))});
  run->append("coordinated", "unit.manchester.trace.jsonl",
              {line("received", "w", "broker->unit.manchester", 29, at("unit.manchester")),
               line("queued", "w", "intake@unit.manchester", 29, at("unit.manchester")),
               line("served", "w", "intake@unit.manchester", 30, at("unit.manchester")),
               line("delivered", "w", "intake@unit.manchester", 30,
                    at("unit.manchester", {{"detail", {"subject", "site"}}})),
               line("acted", "w", "intake@unit.manchester", 30,
                    at("unit.manchester", {{"actionable", true}}))});
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_bilateral(&run_);
    write_coordinated(&run_);
    proto_ = build_report(run_.path(), &warnings_);
    report_ = json::parse(report::to_json(proto_));
  }

  TempRunDir run_;
  std::vector<std::string> warnings_;
  v1::RunReport proto_;
  json report_;  // As report.json holds it.
};

TEST_F(ReportTest, ReadsEveryModeAndTheRunInformation) {
  EXPECT_EQ(report_["run_dir"], run_.path());
  EXPECT_EQ(report_["scenario"], "manchester-2017");
  EXPECT_EQ(report_["seed"], "42");  // A uint64 in protobuf's JSON.
  ASSERT_EQ(report_["modes"].size(), 2u);
  ASSERT_EQ(warnings_.size(), 1u) << warnings_.back();
  EXPECT_NE(warnings_[0].find("bilateral/agency.uk.trace.jsonl:1:"), std::string::npos)
      << warnings_[0];
}

TEST_F(ReportTest, ConservationPerMode) {
  const json& bilateral = report_["modes"]["bilateral"];
  EXPECT_EQ(bilateral["messages"], json({{"created", 4},
                                         {"delivered", 1},
                                         {"lost", 2},
                                         {"in_flight", 1},
                                         {"unaccounted", 0},
                                         {"never_created", 0},
                                         {"served_again_without_journal", 0}}));
  EXPECT_EQ(bilateral["lost_by_reason"],
            json({{"withheld:source-protection", 1}, {"expired:backlog", 1}}));
  EXPECT_TRUE(bilateral["anomalies"].empty()) << bilateral["anomalies"].dump();

  const json& coordinated = report_["modes"]["coordinated"];
  EXPECT_EQ(coordinated["messages"]["created"], 4);
  EXPECT_EQ(coordinated["messages"]["delivered"], 3);
  EXPECT_EQ(coordinated["messages"]["unaccounted"], 1);
  ASSERT_EQ(coordinated["unaccounted_messages"].size(), 1u);
  EXPECT_EQ(coordinated["unaccounted_messages"][0]["msg"], "ghost");
  EXPECT_EQ(coordinated["unaccounted_messages"][0]["kind"], "sent");
  ASSERT_EQ(coordinated["anomalies"].size(), 1u);
  EXPECT_EQ(coordinated["anomalies"][0]["handoff"], "broker->unit.manchester");
}

TEST_F(ReportTest, PlotsPerMode) {
  const json& bilateral = report_["modes"]["bilateral"]["plots"][0];
  EXPECT_EQ(bilateral["averted"], false);
  EXPECT_EQ(bilateral["lost_at"].size(), 2u);
  const json& coordinated = report_["modes"]["coordinated"]["plots"][0];
  EXPECT_EQ(coordinated["averted"], true);
  EXPECT_EQ(coordinated["first_actionable_at"], "2017-05-02T06:00:00Z");
  EXPECT_EQ(coordinated["lead_time_h"], 70.0);
  EXPECT_EQ(coordinated["path"], json({"desk@agency.us", "agency.us->broker", "officers@broker",
                                       "broker->unit.manchester", "intake@unit.manchester"}));
}

TEST_F(ReportTest, ExposureAndNodes) {
  EXPECT_EQ(report_["modes"]["bilateral"]["exposure"]["nodes"], 1);
  EXPECT_EQ(report_["modes"]["bilateral"]["exposure"]["source_handles_seen_by"]["agency.uk"],
            json::parse(R"({"handles": ["us-asset-7"]})"));
  EXPECT_EQ(report_["modes"]["coordinated"]["exposure"]["nodes"], 0);

  EXPECT_EQ(report_["modes"]["bilateral"]["nodes"], json::parse(R"([
      {"name": "agency.uk", "peak_rss_kib": 20480, "exit": "exit:0", "exits": ["exit:0"]},
      {"name": "agency.us", "peak_rss_kib": 10240, "exit": "exit:0", "exits": ["exit:0"]},
      {"name": "unit.manchester", "exit": "signal:KILL",
       "exits": ["signal:KILL"]}])"));
  const json& broker = report_["modes"]["coordinated"]["nodes"][1];
  EXPECT_EQ(broker["name"], "broker");
  EXPECT_FALSE(broker.contains("exit"));
}

TEST_F(ReportTest, TextPutsModesSideBySideWithinTheLineLimit) {
  const std::string text = explain::render_text(proto_);
  std::istringstream lines(text);
  std::string plot_row;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), 120u) << line;
    if (line.starts_with("manchester-arena ")) plot_row = line;
  }
  // bilateral (first) not averted, coordinated averted 2 days 22 hours ahead.
  const size_t no = plot_row.find(" NO ");
  const size_t yes = plot_row.find(" yes ");
  ASSERT_NE(no, std::string::npos) << text;
  ASSERT_NE(yes, std::string::npos) << text;
  EXPECT_LT(no, yes);
  EXPECT_NE(plot_row.find("2017-05-02 06:00"), std::string::npos) << plot_row;
  EXPECT_NE(plot_row.find("2d 22.0h"), std::string::npos) << plot_row;

  EXPECT_NE(text.find("scenario: manchester-2017   seed: 42\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find("manchester-arena, coordinated: desk@agency.us > agency.us->broker > "
                "officers@broker > broker->unit.manchester\n      > intake@unit.manchester\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("manchester-arena, bilateral: not averted"), std::string::npos) << text;
  EXPECT_EQ(text.find("manchester-arena, coordinated: not averted"), std::string::npos) << text;
  EXPECT_NE(text.find("withheld:source-protection"), std::string::npos) << text;
  EXPECT_NE(text.find("HANDOFFS, bilateral"), std::string::npos) << text;
  // officers@broker: 25 h (250 ms) in all, 17 h waiting and 8 h in service.
  EXPECT_NE(text.find("25.0 [250]"), std::string::npos) << text;
  EXPECT_NE(text.find("17.0 [170]"), std::string::npos) << text;
  EXPECT_NE(text.find("8.00 [80]"), std::string::npos) << text;
  EXPECT_NE(text.find("  manchester-arena  manchester  2017-05-05 04:00\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  ghost: no terminal or in_flight event"), std::string::npos) << text;
  EXPECT_NE(text.find("ANOMALIES, coordinated:"), std::string::npos) << text;
  EXPECT_NE(text.find("us-asset-7"), std::string::npos) << text;
}

TEST(BuildReport, MissingRunDirOrNoModeIsAReportError) {
  std::vector<std::string> warnings;
  EXPECT_THROW(build_report("/nonexistent/tearline/run", &warnings), ReportError);
  TempRunDir run;
  run.append("scratch", "agency.uk.trace.jsonl", {line("created", "m1", "", 0)});
  EXPECT_THROW(build_report(run.path(), &warnings), ReportError);
  EXPECT_TRUE(warnings.empty());
}

TEST(BuildReport, WithoutARunEventValuesAreNullAndTheTextSaysSo) {
  TempRunDir run;
  run.append("bilateral", "launcher.trace.jsonl",
             {line("node_stopped", "", "", 5, {{"node", "agency.uk"}, {"reason", "exit:1"}})});
  std::vector<std::string> warnings;
  const v1::RunReport built = build_report(run.path(), &warnings);
  const json report = json::parse(report::to_json(built));
  EXPECT_FALSE(report.contains("scenario"));
  EXPECT_FALSE(report.contains("seed"));
  const json& bilateral = report["modes"]["bilateral"];
  EXPECT_FALSE(bilateral.contains("run"));
  EXPECT_EQ(bilateral["plots"], json::array());
  EXPECT_EQ(bilateral["messages"]["created"], 0);
  ASSERT_EQ(bilateral["anomalies"].size(), 1u);
  EXPECT_EQ(bilateral["anomalies"][0]["check"], "run_event");

  const std::string text = explain::render_text(built);
  EXPECT_NE(text.find("scenario: -   seed: -\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  no plots in the run information\n"), std::string::npos) << text;
  EXPECT_NE(text.find("launcher.trace.jsonl has no run event"), std::string::npos) << text;
  EXPECT_NE(text.find("exit:1"), std::string::npos) << text;
}

// A run whose launcher died (its run folder became unwritable, say): a node
// started and was never seen to stop. The HTML export builds the report
// without a list of warnings; that must not crash (issue 19).
TEST(BuildReport, ARunWhoseLauncherDiedIsReportedWithoutAWarningsList) {
  TempRunDir run;
  run.append("bilateral", "launcher.trace.jsonl",
             {line("run", "", "", 0, {{"node", "launcher"}, {"run", kRunInfo}})});
  run.append("bilateral", "agency.uk.trace.jsonl",
             {line("node_started", "", "", 0, at("agency.uk"))});
  const json report = json::parse(report::to_json(build_report(run.path(), nullptr)));
  const json& anomalies = report["modes"]["bilateral"]["anomalies"];
  ASSERT_FALSE(anomalies.empty());
  EXPECT_NE(anomalies.dump().find("its launcher died with agency.uk"), std::string::npos)
      << anomalies;
  std::vector<std::string> warnings;
  build_report(run.path(), &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("its launcher died with agency.uk"), std::string::npos);
}

// export_html() builds the report without warnings (it warned once while
// reading): a run whose launcher died must not need them.
TEST(BuildReport, ARunWhoseLauncherDiedCountsWhatItsNodesHeldWithoutAWarningsList) {
  TempRunDir run;
  run.append("coordinated", "launcher.trace.jsonl",
             {line("run", "", "", 0, {{"node", "launcher"}})});
  run.append("coordinated", "broker.trace.jsonl",
             {line("node_started", "", "", 0, {{"node", "broker"}}),
              line("created", "m1", "background@broker", 1, {{"node", "broker"}})});
  const json report = json::parse(report::to_json(build_report(run.path(), nullptr)));
  const json& coordinated = report["modes"]["coordinated"];
  EXPECT_EQ(coordinated["lost_by_reason"]["launcher-died"], 1);
  ASSERT_FALSE(coordinated["anomalies"].empty());
  EXPECT_EQ(coordinated["anomalies"].back()["check"], "finished");
}

// The recorded runs (tests/data): their important figures, pinned. The
// streaming builder was compared field by field with the builder it
// replaced (report.json before RunReport) on these runs and on in-process
// manchester-2017 runs: the same, but for the losses of the faulty run's
// crashed broker, now charged to officers@broker where it held them (no
// more handoff_balance anomalies).
v1::RunReport recorded(const std::string& name) {
  std::vector<std::string> warnings;
  v1::RunReport report =
      build_report(std::string(TEARLINE_SOURCE_DIR) + "/tests/data/" + name, &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  // report.json reads back as it was written.
  v1::RunReport again = report::report_from_json(report::to_json(report));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again, report));
  return report;
}

TEST(RecordedRuns, TheCleanRunsFigures) {
  const v1::RunReport report = recorded("recorded-run");
  EXPECT_EQ(report.scenario(), "small");
  EXPECT_EQ(report.seed(), 1u);
  const v1::ModeReport& bilateral = report.modes().at("bilateral");
  const v1::ModeReport& coordinated = report.modes().at("coordinated");
  EXPECT_EQ(bilateral.messages().created(), 9u);
  EXPECT_EQ(bilateral.messages().delivered(), 9u);
  EXPECT_EQ(coordinated.messages().created(), 14u);
  EXPECT_EQ(coordinated.messages().delivered(), 14u);
  EXPECT_EQ(bilateral.handoffs_size(), 12);
  EXPECT_EQ(coordinated.handoffs_size(), 15);
  EXPECT_EQ(bilateral.anomalies_size() + coordinated.anomalies_size(), 0);
  EXPECT_FALSE(bilateral.plots(0).averted());
  EXPECT_EQ(bilateral.plots(0).warnings(), 2u);
  EXPECT_EQ(bilateral.plots(0).degraded_at_size(), 1);
  EXPECT_EQ(bilateral.plots(0).copies_size(), 6);
  EXPECT_EQ(bilateral.exposure().nodes(), 2u);
  const v1::PlotOutcome& plot = coordinated.plots(0);
  EXPECT_TRUE(plot.averted());
  EXPECT_EQ(plot.lead_time_h(), 171.75);
  EXPECT_EQ(plot.first_actionable_msg(), "bb-north-1>broker>unit.north");
  EXPECT_EQ(plot.copies_size(), 9);
  EXPECT_TRUE(coordinated.has_centre());
  EXPECT_EQ(coordinated.exposure().nodes(), 0u);
  for (const v1::Handoff& handoff : coordinated.handoffs()) {
    uint32_t binned = 0;
    for (const auto& bin : handoff.delay_histogram_h().bins()) binned += bin.count();
    EXPECT_EQ(binned, handoff.delay_h().n()) << handoff.name();
  }
}

TEST(RecordedRuns, TheFaultyRunsFigures) {
  const v1::RunReport report = recorded("recorded-faulty-run");
  const v1::ModeReport& bilateral = report.modes().at("bilateral");
  const v1::ModeReport& coordinated = report.modes().at("coordinated");
  EXPECT_EQ(bilateral.messages().lost(), 3u);
  EXPECT_EQ(bilateral.lost_by_reason().at("link-loss:injected"), 3u);
  EXPECT_EQ(coordinated.messages().created(), 12u);
  EXPECT_EQ(coordinated.messages().delivered(), 10u);
  EXPECT_EQ(coordinated.lost_by_reason().at("crash:broker"), 1u);
  EXPECT_EQ(coordinated.lost_by_reason().at("link-loss:injected"), 1u);
  EXPECT_EQ(bilateral.anomalies_size() + coordinated.anomalies_size(), 0);
  EXPECT_FALSE(coordinated.plots(0).averted());
  ASSERT_EQ(coordinated.plots(0).lost_at_size(), 2);
  EXPECT_EQ(coordinated.plots(0).lost_at(1).handoff(), "officers@broker");
  EXPECT_EQ(coordinated.plots(0).lost_at(1).reason(), "crash:broker");
  EXPECT_EQ(bilateral.faults_size(), 1);
  EXPECT_EQ(coordinated.faults_size(), 2);
}

// The live page's use: a snapshot midway leaves the builder as it was, so
// the end is the report's.
TEST(RecordedRuns, ASnapshotMidwayChangesNothingOfTheEnd) {
  const std::string dir = std::string(TEARLINE_SOURCE_DIR) + "/tests/data/recorded-faulty-run";
  report::ModeScan scan(dir + "/coordinated");
  std::vector<report::Event> events;
  scan.read_in_time_order(
      [&events](const report::EventFields& event) { events.push_back(report::event_of(event)); },
      [] { FAIL() << "in time order"; }, nullptr);
  ASSERT_GT(events.size(), 10u);
  ASSERT_NE(scan.run_info(), nullptr) << scan.run_info_error();
  report::ModeBuilder builder(scan.mode(), *scan.run_info(), scan.files());
  for (size_t i = 0; i < events.size() / 2; ++i) builder.add(report::fields_of(events[i]));
  const v1::ModeReport midway = builder.snapshot();
  EXPECT_LT(midway.messages().created(), 12u);
  EXPECT_GT(midway.messages().created(), 0u);
  for (size_t i = events.size() / 2; i < events.size(); ++i) {
    builder.add(report::fields_of(events[i]));
  }
  const v1::ModeReport end = builder.finish(nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      end, build_report(dir, nullptr).modes().at("coordinated")));
}

}  // namespace
}  // namespace tearline
