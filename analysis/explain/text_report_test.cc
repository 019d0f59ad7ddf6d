#include "analysis/explain/text_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "analysis/read/text_table.h"

namespace tearline::explain {
namespace {

const std::filesystem::path kReports =
    std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/reports";

std::string text_of(const std::string& fixture) {
  return render_text(report::read_report_json((kReports / fixture).string()));
}

// The text with its line breaks and indents as single spaces, so that a
// wrapped sentence reads whole.
std::string unwrapped(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(\n +)"), " ");
}

// Sections by their title line: a line after a blank one, starting with a
// word in capitals ("HANDOFFS, bilateral: ...").
std::map<std::string, std::string> sections(const std::string& text) {
  static const std::regex kTitle(R"(^[A-Z][A-Z ]+[:,])");
  std::map<std::string, std::string> by_title;
  std::istringstream lines(text);
  std::string line;
  std::string title;
  bool after_blank = false;
  while (std::getline(lines, line)) {
    if (after_blank && std::regex_search(line, kTitle)) title = line;
    if (!title.empty()) by_title[title] += line + "\n";
    after_blank = line.empty();
  }
  for (auto& [ignored, body] : by_title) body.erase(body.find_last_not_of('\n') + 1);
  return by_title;
}

TEST(TextReportTest, TheWhyComesFirstThenThePlotsThenTheLongTables) {
  const std::string text = text_of("manchester-2017-seed1.report.json");
  const size_t why = text.find("\nWHY, IN WORDS");
  const size_t plots = text.find("\nPLOTS:");
  const size_t died = text.find("\nWHERE THE COPIES DIED");
  const size_t handoffs = text.find("\nHANDOFFS, bilateral");
  ASSERT_NE(why, std::string::npos) << text;
  EXPECT_LT(why, plots);
  EXPECT_LT(plots, died);
  EXPECT_LT(died, handoffs);
  const std::string words = unwrapped(text.substr(why, plots - why));
  for (const char* sentence :
       {"bilateral: Not averted: 3 warnings reached unit.manchester, but none had the detail to "
        "act on.",
        "- agency.us sanitised 1 copy for agency.uk, leaving only subject and area: it trusts "
        "agency.uk at 0.7, under the 0.9 its policy asks to share an insider's report in full.",
        "- agency.ru withheld 2 copies from agency.uk to protect its source",
        "coordinated: Averted: an actionable warning reached unit.manchester on 6 May 2017 23:15, "
        "15 days 22 hours before the attack.",
        "plot.manchester-2017-05-22 (manchester, attack on 22 May 2017 21:31)"}) {
    EXPECT_NE(words.find(sentence), std::string::npos) << sentence << "\nin:\n" << words;
  }
}

TEST(TextReportTest, LinesStayWithinTheWidthWithoutTrailingSpaces) {
  for (const char* fixture :
       {"manchester-2017-seed1.report.json", "manchester-2017-seed1-chaos7.report.json",
        "manchester-2017-full-sharing-seed1.report.json"}) {
    SCOPED_TRACE(fixture);
    std::istringstream lines(text_of(fixture));
    std::string line;
    size_t count = 0;
    while (std::getline(lines, line)) {
      ++count;
      EXPECT_LE(line.size(), report::kLineWidthMax) << line;
      EXPECT_FALSE(line.ends_with(" ")) << "[" << line << "]";
    }
    EXPECT_GT(count, 50u);
  }
}

TEST(TextReportTest, AReportWithoutFactsStillRenders) {
  EXPECT_NE(render_text(v1::RunReport()).find("no plots in the run information"),
            std::string::npos);
  v1::RunReport report;
  (*report.mutable_modes())["bilateral"].add_plots()->set_id("plot.x");
  const std::string text = render_text(report);
  EXPECT_NE(text.find("plot.x"), std::string::npos) << text;
  EXPECT_NE(text.find("Not averted: no warning reached a unit"), std::string::npos) << text;
}

}  // namespace
}  // namespace tearline::explain
