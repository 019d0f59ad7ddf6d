#include "analysis/pictures/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "analysis/pictures/test_support.h"

namespace tearline::pictures {
namespace {

using testing::overlapping_labels;

const v1::Handoff& handoff_named(const v1::ModeReport& mode, const std::string& name) {
  for (const v1::Handoff& handoff : mode.handoffs()) {
    if (handoff.name() == name) return handoff;
  }
  throw std::runtime_error("no handoff " + name);
}

std::vector<std::string> bar_counts(const std::string& svg) {
  std::vector<std::string> counts;
  const std::regex count(R"re(<tspan class="count">([0-9,]+)</tspan>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), count); it != std::sregex_iterator();
       ++it) {
    counts.push_back((*it)[1]);
  }
  return counts;
}

TEST(Histogram, EachBarShowsItsCount) {
  const v1::RunReport report = testing::pictures_fixture();
  const v1::Handoff& link =
      handoff_named(report.modes().at("bilateral"), "agency.uk->unit.manchester");
  const Picture picture = histogram(link, "bilateral");
  const std::vector<std::string> counts = bar_counts(picture.svg);
  ASSERT_EQ(counts.size(), static_cast<size_t>(link.delay_histogram_h().bins_size()));
  uint64_t total = 0;
  for (int i = 0; i < link.delay_histogram_h().bins_size(); ++i) {
    EXPECT_EQ(counts[i], count_text(link.delay_histogram_h().bins(i).count()));
    total += link.delay_histogram_h().bins(i).count();
  }
  EXPECT_EQ(total, link.delay_h().n());
  EXPECT_NE(picture.svg.find(">delay, hours</text>"), std::string::npos);
  EXPECT_NE(picture.svg.find(">messages</text>"), std::string::npos);
  // The y axis: 0, half and the largest count as ticks.
  uint32_t largest = 0;
  for (const auto& bin : link.delay_histogram_h().bins()) largest = std::max(largest, bin.count());
  ASSERT_GT(largest, 1u);
  EXPECT_NE(picture.svg.find("class=\"tick\""), std::string::npos);
  EXPECT_NE(picture.svg.find(">" + std::to_string(largest) + "</text>"), std::string::npos);
  EXPECT_NE(picture.svg.find(">" + std::to_string(largest / 2) + "</text>"), std::string::npos);
  EXPECT_EQ(overlapping_labels(picture.labels), "");
  EXPECT_GE(testing::smallest_font_px(picture.labels), 12);
}

TEST(Histogram, ALongTailSpeaksDaysOnALogScale) {
  const v1::RunReport report = testing::pictures_fixture();
  const v1::Handoff& database = handoff_named(report.modes().at("bilateral"), "database@agency.uk");
  ASSERT_TRUE(database.delay_histogram_h().log());
  const Picture picture = histogram(database, "bilateral");
  EXPECT_NE(picture.svg.find(">delay, days, log scale</text>"), std::string::npos);
  // The last edge: 671 h is 28 days.
  EXPECT_NE(picture.svg.find(">28</text>"), std::string::npos) << picture.svg;
  EXPECT_EQ(bar_counts(picture.svg).back(),
            count_text(database.delay_histogram_h().bins().rbegin()->count()));
  EXPECT_EQ(overlapping_labels(picture.labels), "");
}

TEST(Histogram, EveryHandoffOfTheFixtureDrawsWithoutOverlaps) {
  const v1::RunReport report = testing::pictures_fixture();
  for (const auto& [name, mode] : report.modes()) {
    for (const v1::Handoff& handoff : mode.handoffs()) {
      const Picture picture = histogram(handoff, name);
      EXPECT_EQ(overlapping_labels(picture.labels), "") << handoff.name();
      EXPECT_EQ(testing::clipped_labels(picture), "") << handoff.name();
    }
  }
}

TEST(Histogram, NothingWithoutBins) {
  v1::Handoff handoff;
  handoff.set_name("desk@<x>");
  EXPECT_EQ(histogram(handoff, "bilateral").svg, "");
}

TEST(Histogram, EscapesItsNames) {
  v1::Handoff handoff;
  handoff.set_name("desk@\"><script>");
  auto* bin = handoff.mutable_delay_histogram_h()->add_bins();
  bin->set_from_h(0);
  bin->set_to_h(1);
  bin->set_count(1);
  const std::string svg = histogram(handoff, "<mode>").svg;
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<mode>"), std::string::npos);
}

}  // namespace
}  // namespace tearline::pictures
