#include "analysis/pages/report_page.h"

#include <gtest/gtest.h>

#include "analysis/explain/why.h"
#include "analysis/pictures/test_support.h"

namespace tearline::pages {
namespace {

using pictures::testing::occurrences;
using pictures::testing::pictures_fixture;
using pictures::testing::plain_fixture;

// The part of `page` between the first `from` and the next `to`.
std::string between(const std::string& page, const std::string& from, const std::string& to) {
  const size_t start = page.find(from);
  if (start == std::string::npos) return "";
  const size_t end = page.find(to, start + from.size());
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(ReportPage, FirstScreenThenPicturesThenNumbers) {
  const std::string page =
      report_page(pictures_fixture(), explain::explain(pictures_fixture()), {});
  const size_t verdict = page.find("class=\"verdict");
  const size_t faults = page.find("class=\"faults\"");
  const size_t map = page.find("<h2>Handoff map</h2>");
  const size_t timeline = page.find("<h2>Plot timelines</h2>");
  const size_t numbers = page.find("<h2 id=\"numbers\">The numbers</h2>");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, faults);
  EXPECT_LT(faults, map);
  EXPECT_LT(map, timeline);
  EXPECT_LT(timeline, numbers);
  // Self-contained: no script, nothing fetched.
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("http://www.w3.org/2000/svg\" src"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(occurrences(page, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\""), 2u);
  EXPECT_EQ(occurrences(page, "class=\"timeline\" id=\"timeline-"), 2u);
}

TEST(ReportPage, VerdictsPerModeSideBySideWithTheWords) {
  const std::string page =
      report_page(pictures_fixture(), explain::explain(pictures_fixture()), {});
  const std::string manchester = between(
      page, "<section class=\"plot\" id=\"plot-plot.manchester-2017-05-22\">", "</section>");
  ASSERT_FALSE(manchester.empty());
  const size_t bilateral = manchester.find("data-mode=\"bilateral\"");
  const size_t coordinated = manchester.find("data-mode=\"coordinated\"");
  ASSERT_LT(bilateral, coordinated);
  EXPECT_NE(manchester.find("<p class=\"verdict no\">not averted</p>", bilateral),
            std::string::npos);
  EXPECT_NE(manchester.find("<p class=\"verdict yes\">averted, 15.9 d before the attack</p>",
                            coordinated),
            std::string::npos);
  // Each fact links to its handoff's row, and that row exists below.
  const std::string link = "href=\"#" + explain::anchor_of("bilateral", "sharing@agency.us") + "\"";
  EXPECT_NE(manchester.find(link), std::string::npos);
  EXPECT_NE(page.find("<tr id=\"" + explain::anchor_of("bilateral", "sharing@agency.us") + "\">"),
            std::string::npos);
  for (const explain::Story& story : explain::explain(pictures_fixture())) {
    for (const explain::Fact& fact : story.facts) {
      EXPECT_NE(page.find("<tr id=\"" + explain::anchor_of(story.mode, fact.handoff) + "\">"),
                std::string::npos)
          << fact.handoff;
    }
  }
}

TEST(ReportPage, BilateralManchesterTellsWhatBecameOfEachCopy) {
  const std::string page = report_page(pictures_fixture(), {}, {});
  const std::string bilateral =
      between(page, "<section class=\"mode-numbers\" id=\"mode-bilateral\">", "</section>");
  const std::string manchester =
      between(bilateral, "<h3>plot.manchester-2017-05-22: where its copies ended</h3>", "</table>");
  // The sanitising at agency.us, with the policy's why.
  EXPECT_NE(manchester.find("<td>sanitised</td><td><a href=\"#h-bilateral-sharing_agency.us\">"
                            "sharing@agency.us</a></td><td class=\"n\">1</td><td>for agency.uk: "
                            "detail left subject, area (trust 0.7; in full from 0.9, sanitised "
                            "from 0.3)</td>"),
            std::string::npos)
      << manchester;
  // That copy: still in flight in agency.uk's database.
  EXPECT_NE(manchester.find("<td>in flight</td><td><a href=\"#h-bilateral-database_agency.uk\">"
                            "database@agency.uk</a></td><td class=\"n\">1</td><td>held in "
                            "database@agency.uk at agency.uk</td>"),
            std::string::npos);
  // The three too-thin arrivals at unit.manchester.
  EXPECT_EQ(occurrences(manchester, "<td>too thin (lacks site or window)</td>"), 3u);
  // The same in the timeline, on a date axis.
  const std::string timeline =
      between(page, "id=\"timeline-plot.manchester-2017-05-22\"", "</svg>");
  EXPECT_NE(timeline.find("sanitised to subject, area; in flight: held in database@agency.uk"),
            std::string::npos);
  EXPECT_EQ(occurrences(timeline, "too thin"), 9u);
}

TEST(ReportPage, StPetersburgShowsTheWithheldCopies) {
  const std::string page = report_page(pictures_fixture(), {}, {});
  const std::string bilateral =
      between(page, "<section class=\"mode-numbers\" id=\"mode-bilateral\">", "</section>");
  const std::string stpetersburg = between(
      bilateral, "<h3>plot.stpetersburg-2017-04-03: where its copies ended</h3>", "</table>");
  EXPECT_EQ(occurrences(stpetersburg, "<td>withheld</td>"), 2u) << stpetersburg;
  // Listed once: not again as lost.
  EXPECT_EQ(occurrences(stpetersburg, "<td>lost</td>"), 0u) << stpetersburg;
  EXPECT_NE(stpetersburg.find("<td class=\"n\">2</td><td>from agency.uk: "
                              "withheld:source-protection (trust 0.3; in full from 0.95, "
                              "sanitised from 0.5)</td>"),
            std::string::npos)
      << stpetersburg;
  const std::string timeline =
      between(page, "id=\"timeline-plot.stpetersburg-2017-04-03\"", "</svg>");
  EXPECT_EQ(occurrences(timeline, "✕ withheld:source-protection"), 4u);
  // Full sharing exposed agency.uk's handles to agency.us; the centre none.
  EXPECT_NE(page.find("<p class=\"exposure\">Source exposure: 1 node saw another agency's true "
                      "source handle: agency.us (uk.closed-subject-review, uk.officer-1, "
                      "uk.technical-1).</p>"),
            std::string::npos);
  EXPECT_NE(page.find("<p class=\"exposure\">Source exposure: no node saw"), std::string::npos);
  // Every why word a reader needs appears on the page.
  for (const char* word : {"too thin", "too late", "withheld", "sanitised", "in flight"}) {
    EXPECT_NE(page.find(word), std::string::npos) << word;
  }
}

TEST(ReportPage, AChaosRunListsItsFaultsInWordsBoundedAndAllInTheTables) {
  const v1::RunReport report = plain_fixture("manchester-2017-seed1-chaos7");
  ASSERT_GT(report.modes().at("coordinated").faults_size(), 0);
  const std::vector<explain::FaultLine> lines = explain::explain_faults(report);
  ASSERT_FALSE(lines.empty());
  const std::string page = report_page(report, {}, lines);
  const std::string faults = between(page, "<h2>Faults of the run", "</ul>");
  EXPECT_EQ(occurrences(faults, "<li>"), std::min(lines.size(), kFaultLinesShownMax) +
                                             (lines.size() > kFaultLinesShownMax ? 1 : 0));
  // In the words' order (the costliest first, per mode).
  size_t at = 0;
  for (size_t i = 0; i < lines.size() && i < kFaultLinesShownMax; ++i) {
    const std::string node = lines[i].fact.text.substr(0, lines[i].fact.text.find(':'));
    const size_t found = faults.find(node, at);
    ASSERT_NE(found, std::string::npos) << lines[i].fact.text;
    at = found;
  }
  // And the faults tables below hold every one of them.
  EXPECT_EQ(occurrences(page, "<table class=\"numbers faults\">"), [&] {
    size_t tables = 0;
    for (const auto& [name, mode] : report.modes()) tables += mode.faults_size() > 0 ? 1 : 0;
    return tables;
  }());
}

TEST(ReportPage, AReportWithoutTheNewFactsStillRenders) {
  const std::string page = report_page(plain_fixture("manchester-2017-full-sharing-seed1"), {}, {});
  EXPECT_NE(page.find("this report lists no copies"), std::string::npos);
  EXPECT_NE(page.find("This report has no delay histograms."), std::string::npos);
  EXPECT_NE(page.find("No faults were injected."), std::string::npos);
}

TEST(ReportPage, EscapesHostileNames) {
  v1::RunReport report = pictures_fixture();
  report.set_scenario("<script>alert(1)</script>");
  v1::ModeReport& mode = (*report.mutable_modes())["bilateral"];
  mode.mutable_handoffs(0)->set_name("<img src=x onerror=alert(1)>");
  std::vector<explain::Story> stories = explain::explain(pictures_fixture());
  stories[0].headline = "<script>";
  stories[0].facts[0].handoff = "\"><script>";
  const std::string page = report_page(report, stories, {{"bilateral", {"<b>x</b>", ""}}});
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>x"), std::string::npos);
}

}  // namespace
}  // namespace tearline::pages
