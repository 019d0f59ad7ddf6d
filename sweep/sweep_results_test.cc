// A sweep's rows from a run's typed report, and its CSV: one line per run
// and mode, a column per plot outcome and per loss reason of any row.
#include "sweep/sweep_results.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

namespace tearline::sweep {
namespace {

v1::RunReport report_of(const std::string& json) {
  v1::RunReport report;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &report);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return report;
}

// In "coordinated" then "bilateral" order: the rows come in name order all
// the same.
const v1::RunReport kReport = report_of(R"({"modes": {
  "coordinated": {"plots": [{"id": "p1", "averted": true, "lead_time_h": 12.5}],
                  "messages": {"created": 10, "delivered": 10, "lost": 0, "in_flight": 0,
                               "unaccounted": 0},
                  "lost_by_reason": {}, "exposure": {"nodes": 0}},
  "bilateral": {"plots": [{"id": "p1", "averted": false}],
                "messages": {"created": 10, "delivered": 8, "lost": 2, "in_flight": 0,
                             "unaccounted": 0},
                "lost_by_reason": {"link-loss": 2}, "exposure": {"nodes": 1}}}})");

TEST(SweepResults, OneRowPerModeAndACsvColumnPerPlotAndReason) {
  const std::vector<Parameter> parameters = {{"agency[0].partner[0].trust", {"0.5", "0.9"}}};
  const RunSpec run{1, {"0.9"}, 7, "runs/p1-seed7"};
  v1::SweepResults results = results_of("small", parameters, {7}, {"bilateral", "coordinated"});
  for (v1::SweepRow& row : rows_of_run(parameters, run, 0, kReport, {"bilateral", "coordinated"})) {
    *results.add_rows() = std::move(row);
  }
  ASSERT_EQ(results.rows_size(), 2);
  const v1::SweepRow& coordinated = results.rows(1);
  EXPECT_EQ(coordinated.mode(), "coordinated");
  EXPECT_DOUBLE_EQ(coordinated.plots().at("p1").lead_h(), 12.5);
  EXPECT_FALSE(results.rows(0).plots().at("p1").has_lead_h());
  EXPECT_EQ(results.rows(0).parameters().at("agency[0].partner[0].trust"), "0.9");
  EXPECT_EQ(results.rows(0).lost_by_reason().at("link-loss"), 2u);
  EXPECT_EQ(csv_of(results),
            "point,agency[0].partner[0].trust,seed,mode,run,exit,p1.averted,p1.lead_h,created,"
            "delivered,lost,in_flight,unaccounted,exposure_nodes,lost:link-loss\n"
            "1,0.9,7,bilateral,runs/p1-seed7,0,0,,10,8,2,0,0,1,2\n"
            "1,0.9,7,coordinated,runs/p1-seed7,0,1,12.5,10,10,0,0,0,0,0\n");
}

TEST(SweepResults, ARunWithoutAReportKeepsItsExitCode) {
  const std::vector<v1::SweepRow> rows =
      rows_of_run({}, {0, {}, 3, "runs/p0-seed3"}, 1, std::nullopt, {"both"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].exit(), 1);
  EXPECT_FALSE(rows[0].has_messages());
  EXPECT_TRUE(rows[0].plots().empty());
  v1::SweepResults results = results_of("small", {}, {3}, {"both"});
  *results.add_rows() = rows[0];
  EXPECT_EQ(csv_of(results),
            "point,seed,mode,run,exit,created,delivered,lost,in_flight,unaccounted,"
            "exposure_nodes\n0,3,both,runs/p0-seed3,1,,,,,,\n");
}

}  // namespace
}  // namespace tearline::sweep
