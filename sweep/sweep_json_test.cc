// sweep.json: what the writer writes the reader reads back whole, with the
// proto's field names and 64-bit seeds as strings; a file of another schema,
// or none, is an error naming it.
#include "sweep/sweep_json.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sweep/sweep_results.h"

namespace tearline::sweep {
namespace {

using google::protobuf::util::MessageDifferencer;

v1::SweepResults two_rows() {
  const std::vector<Parameter> parameters = {{"agency[0].partner[0].trust", {"0.3", "0.9"}}};
  v1::SweepResults results =
      results_of("small", parameters, {1, 18'446'744'073'709'551'615u}, {"bilateral"});
  v1::RunReport report;
  v1::ModeReport& mode = (*report.mutable_modes())["bilateral"];
  v1::PlotOutcome& plot = *mode.add_plots();
  plot.set_id("manchester");
  plot.set_averted(true);
  plot.set_lead_time_h(100.25);
  mode.mutable_messages()->set_created(12);
  mode.mutable_messages()->set_delivered(9);
  mode.mutable_messages()->set_lost(3);
  (*mode.mutable_lost_by_reason())["expired:backlog"] = 3;
  mode.mutable_exposure()->set_nodes(2);
  for (v1::SweepRow& row :
       rows_of_run(parameters, {1, {"0.9"}, 1, "runs/p1-seed1"}, 0, report, {"bilateral"})) {
    *results.add_rows() = std::move(row);
  }
  for (v1::SweepRow& row :
       rows_of_run(parameters,
                   {0, {"0.3"}, 18'446'744'073'709'551'615u, "runs/p0-seed18446744073709551615"},
                   137, std::nullopt, {"bilateral"})) {
    *results.add_rows() = std::move(row);
  }
  return results;
}

TEST(SweepJson, WhatIsWrittenReadsBackWhole) {
  const v1::SweepResults results = two_rows();
  const std::string text = to_json(results);
  const v1::SweepResults read = sweep_from_json(text);
  EXPECT_TRUE(MessageDifferencer::Equals(read, results)) << read.DebugString();
  EXPECT_EQ(to_json(read), text);
  EXPECT_TRUE(read.rows(0).has_exposure_nodes());
  EXPECT_FALSE(read.rows(1).has_messages());  // No report: no messages, not zero of them.
  EXPECT_FALSE(read.rows(1).has_exposure_nodes());

  // The proto's field names; seeds as strings; a row without a report
  // leaves its absent fields out.
  EXPECT_NE(text.find("\"lost_by_reason\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"18446744073709551615\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"lead_h\": 100.25"), std::string::npos) << text;
  EXPECT_EQ(text.find("lostByReason"), std::string::npos) << text;
}

TEST(SweepJson, TheFileReadsBackAndAnotherSchemaIsRefused) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sweep-json-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const v1::SweepResults results = two_rows();
  {
    std::ofstream(dir / "sweep.json") << to_json(results);
    std::ofstream(dir / "other.json") << R"({"scenario": "small", "rows": [{"plots": 3}]})";
  }
  EXPECT_TRUE(MessageDifferencer::Equals(read_sweep_json((dir / "sweep.json").string()), results));
  EXPECT_THROW(
      {
        try {
          read_sweep_json((dir / "other.json").string());
        } catch (const SweepError& error) {
          EXPECT_NE(std::string(error.what()).find("other.json"), std::string::npos);
          throw;
        }
      },
      SweepError);
  EXPECT_THROW(sweep_from_json(R"({"scenario": "small", "points": 3})"), SweepError);
  EXPECT_THROW(read_sweep_json((dir / "none.json").string()), SweepError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tearline::sweep
