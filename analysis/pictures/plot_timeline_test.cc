#include "analysis/pictures/plot_timeline.h"

#include <gtest/gtest.h>

#include <regex>

#include "analysis/pictures/test_support.h"

namespace tearline::pictures {
namespace {

using testing::occurrences;
using testing::overlapping_labels;

constexpr const char* kManchester = "plot.manchester-2017-05-22";
constexpr const char* kStPetersburg = "plot.stpetersburg-2017-04-03";

TEST(PlotTimeline, ManchesterShowsTheTearlineCopyStillHeldAndTheThinWarnings) {
  const v1::RunReport report = testing::pictures_fixture();
  const Picture picture = plot_timeline(report, kManchester);
  const std::string& svg = picture.svg;
  // The date axis and the two deadlines, as dates.
  EXPECT_NE(svg.find(">attack 22 May 21:31</text>"), std::string::npos);
  EXPECT_NE(svg.find(">respond by 20 May</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1 May</text>"), std::string::npos);
  // Both modes on one axis, each with its verdict.
  EXPECT_NE(svg.find(">bilateral: not averted</text>"), std::string::npos);
  EXPECT_NE(svg.find(">coordinated: averted, 15.9 d before</text>"), std::string::npos);
  // agency.us sanitised its insider report for agency.uk; the copy waited in
  // agency.uk's database to the end.
  EXPECT_NE(svg.find(">sanitised to subject, area; in flight: held in database@agency.uk at the "
                     "end</text>"),
            std::string::npos)
      << svg;
  // The copy lost on the liaison channel ends in a cross.
  EXPECT_NE(svg.find("✕ liaison-loss at agency.uk-&gt;agency.ru"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "class=\"mark lost\""), 1u);
  // Three too-thin arrivals at unit.manchester in the bilateral mode, six in
  // the coordinated (the centre's and the poll's).
  EXPECT_EQ(occurrences(svg, "class=\"mark warning\""), 9u);
  EXPECT_EQ(occurrences(svg, ": too thin (lacks site or window)</text>"), 9u);
  EXPECT_EQ(occurrences(svg, "class=\"mark averted\""), 1u);
  EXPECT_NE(svg.find("actionable at unit.manchester 6 May 23:15, 15.9 d before the attack"),
            std::string::npos);
  // A sanitised copy's lane is thinner than its original's.
  const std::regex full(R"re(<rect class="hop queue full" [^>]*height="12.0")re");
  const std::regex thin(R"re(<rect class="hop link thin" [^>]*height="6.0")re");
  EXPECT_TRUE(std::regex_search(svg, full));
  EXPECT_TRUE(std::regex_search(svg, thin));
}

TEST(PlotTimeline, StPetersburgShowsTheWithheldCopies) {
  const v1::RunReport report = testing::pictures_fixture();
  const std::string svg = plot_timeline(report, kStPetersburg).svg;
  EXPECT_EQ(occurrences(svg, "✕ withheld:source-protection at sharing@agency.ru"), 4u);
  EXPECT_EQ(occurrences(svg, "class=\"mark lost\""), 4u);
  EXPECT_NE(svg.find("too thin (lacks subject, site or window) and too late"), std::string::npos);
  EXPECT_NE(svg.find(">attack 3 Apr 11:40</text>"), std::string::npos);
}

TEST(PlotTimeline, LabelsAreLargeEnoughAndNeverOverlap) {
  const v1::RunReport report = testing::pictures_fixture();
  for (const char* plot : {kManchester, kStPetersburg}) {
    const Picture picture = plot_timeline(report, plot);
    EXPECT_GT(picture.labels.size(), 20u);
    EXPECT_GE(testing::smallest_font_px(picture.labels), 12);
    EXPECT_EQ(overlapping_labels(picture.labels), "") << plot;
    EXPECT_EQ(testing::clipped_labels(picture), "") << plot;
  }
}

TEST(PlotTimeline, AReportWithoutCopiesStillMarksItsWarnings) {
  const v1::RunReport report = testing::plain_fixture("manchester-2017-seed1");
  const Picture picture = plot_timeline(report, kManchester);
  EXPECT_NE(picture.svg.find("this report lists no copies"), std::string::npos);
  EXPECT_EQ(occurrences(picture.svg, "class=\"mark warning\""), 9u);
  EXPECT_EQ(overlapping_labels(picture.labels), "");
}

TEST(PlotTimeline, NothingForAnUnknownPlot) {
  EXPECT_EQ(plot_timeline(testing::pictures_fixture(), "plot.nowhere").svg, "");
}

TEST(PlotTimeline, CountsTheCopiesTheReportOmittedUnderTheirOwnMode) {
  v1::RunReport report = testing::pictures_fixture();
  for (auto& [name, mode] : *report.mutable_modes()) {
    mode.mutable_plots(1)->set_copies_omitted(name == "bilateral" ? 7 : 0);
  }
  const Picture picture = plot_timeline(report, kManchester);
  const auto y_of = [&](const std::string& text) {
    for (const Label& label : picture.labels) {
      if (label.text == text) return label.box.y;
    }
    ADD_FAILURE() << text << " not drawn";
    return 0.0;
  };
  // Under the bilateral lanes, above the coordinated ones.
  EXPECT_LT(y_of("us-manchester-1>agency.ru"), y_of("… and 7 more copies not drawn"));
  EXPECT_LT(y_of("… and 7 more copies not drawn"), y_of("coordinated: averted, 15.9 d before"));
  EXPECT_EQ(overlapping_labels(picture.labels), "");
}

TEST(PlotTimeline, BoundsItsLanesAndEscapesNames) {
  v1::RunReport report;
  v1::ModeReport& mode = (*report.mutable_modes())["bilateral"];
  mode.mutable_run()->set_start_iso("2017-03-15T00:00:00Z");
  mode.mutable_run()->set_duration_h(100);
  v1::PlotOutcome* plot = mode.add_plots();
  plot->set_id("plot.<script>");
  plot->set_attack_h(90);
  for (int i = 0; i < kLanesPerModeMax + 5; ++i) {
    v1::Copy* copy = plot->add_copies();
    copy->set_msg("<img src=x>" + std::to_string(i));
    copy->set_fate("lost");
    copy->set_reason("\"><script>");
    v1::Hop* hop = copy->add_hops();
    hop->set_handoff("a->b");
    hop->set_in_h(i);
    hop->set_out_h(i + 1);
  }
  const Picture picture = plot_timeline(report, "plot.<script>");
  EXPECT_EQ(picture.svg.find("<script"), std::string::npos);
  EXPECT_EQ(picture.svg.find("<img"), std::string::npos);
  EXPECT_EQ(occurrences(picture.svg, "class=\"lane-name\""), static_cast<size_t>(kLanesPerModeMax));
  EXPECT_NE(picture.svg.find("… and 5 more copies not drawn"), std::string::npos);
  EXPECT_EQ(overlapping_labels(picture.labels), "");
}

}  // namespace
}  // namespace tearline::pictures
