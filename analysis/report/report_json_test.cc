#include "analysis/report/report_json.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "analysis/report/report.h"

namespace tearline::report {
namespace {

const std::filesystem::path kReports =
    std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/reports";

TEST(ReportJsonTest, AFixtureReadsWritesAndReadsBackTheSame) {
  for (const char* name :
       {"manchester-2017-seed1.report.json", "manchester-2017-seed1-chaos7.report.json"}) {
    SCOPED_TRACE(name);
    const v1::RunReport report = read_report_json((kReports / name).string());
    ASSERT_EQ(report.modes().count("bilateral"), 1u);
    EXPECT_GT(report.modes().at("bilateral").handoffs_size(), 0);
    const v1::RunReport again = report_from_json(to_json(report));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again, report));
  }
}

TEST(ReportJsonTest, ZeroCountsAreWrittenAndUnsetOptionalsLeftOut) {
  v1::RunReport report;
  v1::ModeReport& mode = (*report.mutable_modes())["bilateral"];
  mode.mutable_messages()->set_created(3);
  v1::PlotOutcome* plot = mode.add_plots();
  plot->set_id("plot.x");
  const std::string text = to_json(report);
  EXPECT_NE(text.find("\"delivered\": 0"), std::string::npos) << text;
  EXPECT_EQ(text.find("lead_time_h"), std::string::npos) << text;
}

TEST(ReportJsonTest, AnotherSchemaOrBrokenTextIsRefusedWithWhy) {
  EXPECT_THROW(report_from_json(R"({"modes": {"bilateral": {"colour": 1}}})"), ReportError);
  EXPECT_THROW(report_from_json(R"({"modes": )"), ReportError);
  EXPECT_THROW(report_from_json(R"({"seed": -1})"), ReportError);
  try {
    report_from_json(R"({"run_dir": 7})");
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("not a tearline report"), std::string::npos);
  }
}

TEST(ReportJsonTest, AFileThatIsMissingIsNamed) {
  try {
    read_report_json("/nonexistent/report.json");
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/report.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace tearline::report
