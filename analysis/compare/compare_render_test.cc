// The comparison's JSON, HTML and text, of the fixtures and of a report
// with hostile names.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "analysis/compare/compare.h"
#include "analysis/compare/compare_html.h"
#include "analysis/compare/compare_json.h"
#include "analysis/compare/compare_text.h"
#include "analysis/report/report_json.h"

namespace tearline::compare {
namespace {

const std::filesystem::path kReports =
    std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/reports";

v1::RunComparison manchester_variant() {
  const std::string a = (kReports / "manchester-2017-seed1.report.json").string();
  const std::string b = (kReports / "manchester-2017-full-sharing-seed1.report.json").string();
  return compare_runs({a, report::read_report_json(a)}, {b, report::read_report_json(b)});
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CompareRenderTest, TheJsonIsTheProtoMappingAndReadsBackTheSame) {
  const v1::RunComparison comparison = manchester_variant();
  const std::string json = comparison_json(comparison);
  EXPECT_TRUE(contains(json, R"("outcome": "NOW_AVERTED")")) << json.substr(0, 2000);
  EXPECT_TRUE(contains(json, R"("name": "database@agency.uk")"));
  v1::RunComparison again;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &again).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again, comparison));
}

TEST(CompareRenderTest, TheHtmlPutsTheOutcomeChangeAndTheLargestHandoffFirstWithBars) {
  const std::string html = comparison_html(manchester_variant());
  EXPECT_TRUE(contains(html, "not averted -&gt; averted, lead 12d 13h"));
  const size_t table = html.find("<h3>Handoffs");
  ASSERT_NE(table, std::string::npos);
  const size_t first_row = html.find("<tr><td>", table);
  EXPECT_EQ(html.find("database@agency.uk", table), html.find("<td>", first_row) + 4);
  EXPECT_TRUE(contains(html, R"(<rect class="better")"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "http"));  // Nothing fetched.
}

TEST(CompareRenderTest, UntrustedNamesAreEscapedInHtmlAndDefusedInText) {
  const std::string evil = "<script>alert(\"x\")</script>&\x1b[2J";
  v1::RunReport report;
  report.set_scenario(evil);
  v1::ModeReport& mode = (*report.mutable_modes())[evil];
  v1::Handoff* handoff = mode.add_handoffs();
  handoff->set_name(evil);
  handoff->set_type(evil);
  handoff->set_in(1);
  v1::PlotOutcome* plot = mode.add_plots();
  plot->set_id(evil);
  plot->set_area(evil);
  (*mode.mutable_lost_by_reason())[evil] = 1;
  (*mode.mutable_exposure()->mutable_source_handles_seen_by())[evil].add_handles()->assign(1, 'h');
  v1::RunReport other = report;
  other.mutable_modes()->at(evil).mutable_handoffs(0)->set_in(2);

  const v1::RunComparison comparison = compare_runs({evil, report}, {evil, other});
  const std::string html = comparison_html(comparison);
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_FALSE(contains(html, "\"x\"")) << html;
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"));
  const std::string text = comparison_text(comparison);
  EXPECT_FALSE(contains(text, "\x1b")) << text;
  EXPECT_TRUE(contains(text, "&?[2J")) << text;
}

}  // namespace
}  // namespace tearline::compare
