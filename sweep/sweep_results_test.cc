// A sweep's rows from a run's report, and its CSV: one line per run and
// mode, a column per plot outcome and per loss reason of any row.
#include "sweep/sweep_results.h"

#include <gtest/gtest.h>

namespace tearline::sweep {
namespace {

using nlohmann::json;

const json kReport = json::parse(R"({"modes": {
  "bilateral": {"plots": [{"id": "p1", "averted": false, "lead_time_h": null}],
                "messages": {"created": 10, "delivered": 8, "lost": 2, "in_flight": 0,
                             "unaccounted": 0},
                "lost_by_reason": {"link-loss": 2}, "exposure": {"nodes": 1}},
  "coordinated": {"plots": [{"id": "p1", "averted": true, "lead_time_h": 12.5}],
                  "messages": {"created": 10, "delivered": 10, "lost": 0, "in_flight": 0,
                               "unaccounted": 0},
                  "lost_by_reason": {}, "exposure": {"nodes": 0}}}})");

TEST(SweepResults, OneRowPerModeAndACsvColumnPerPlotAndReason) {
  const std::vector<Parameter> parameters = {{"agency[0].partner[0].trust", {"0.5", "0.9"}}};
  const RunSpec run{1, {"0.9"}, 7, "runs/p1-seed7"};
  const std::vector<json> rows =
      rows_of_run(parameters, run, 0, kReport, {"bilateral", "coordinated"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["mode"], "coordinated");
  EXPECT_EQ(rows[1]["plots"]["p1"]["lead_h"], 12.5);
  EXPECT_EQ(rows[0]["parameters"]["agency[0].partner[0].trust"], "0.9");
  EXPECT_EQ(csv_of(parameters, rows),
            "point,agency[0].partner[0].trust,seed,mode,run,exit,p1.averted,p1.lead_h,created,"
            "delivered,lost,in_flight,unaccounted,exposure_nodes,lost:link-loss\n"
            "1,0.9,7,bilateral,runs/p1-seed7,0,0,,10,8,2,0,0,1,2\n"
            "1,0.9,7,coordinated,runs/p1-seed7,0,1,12.5,10,10,0,0,0,0,0\n");
}

TEST(SweepResults, ARunWithoutAReportKeepsItsExitCode) {
  const std::vector<json> rows = rows_of_run({}, {0, {}, 3, "runs/p0-seed3"}, 1, json(), {"both"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["exit"], 1);
  EXPECT_FALSE(rows[0].contains("plots"));
  EXPECT_EQ(csv_of({}, rows),
            "point,seed,mode,run,exit,created,delivered,lost,in_flight,unaccounted,"
            "exposure_nodes\n0,3,both,runs/p0-seed3,1,,,,,,\n");
}

}  // namespace
}  // namespace tearline::sweep
