#include "analysis/pictures/svg.h"

#include <gtest/gtest.h>

#include "analysis/pictures/test_support.h"

namespace tearline::pictures {
namespace {

TEST(Svg, EscapesTextAndAttributes) {
  Svg svg({{"class", "map"}, {"data-mode", "\"><script>alert(1)</script>"}});
  svg.text(10, 20, "<b>&\"evil\"</b>", "x\"y");
  svg.open_group({{"data-handoff", "a\"><img src=x onerror=alert(1)>"}});
  svg.close_group();
  const std::string out = svg.finish(100, 50);
  EXPECT_EQ(out.find("<script>"), std::string::npos) << out;
  EXPECT_EQ(out.find("<b>"), std::string::npos) << out;
  EXPECT_EQ(out.find("<img"), std::string::npos) << out;
  EXPECT_NE(out.find("&lt;b&gt;&amp;&quot;evil&quot;&lt;/b&gt;"), std::string::npos) << out;
  EXPECT_NE(out.find("width=\"100\" height=\"50\""), std::string::npos) << out;
}

TEST(Svg, KeepsEveryLabelWithItsBox) {
  Svg svg({});
  const Box start = svg.text(10, 20, "abc");
  const Box end = svg.text(100, 20, "abc", "", Anchor::kEnd);
  const Box middle = svg.text(50, 40, "abc", "", Anchor::kMiddle);
  ASSERT_EQ(svg.labels().size(), 3u);
  EXPECT_DOUBLE_EQ(start.x, 10);
  EXPECT_DOUBLE_EQ(end.right(), 100);
  EXPECT_DOUBLE_EQ(middle.x + middle.width / 2, 50);
  EXPECT_DOUBLE_EQ(start.y, 20 - kFontPx);
  EXPECT_GE(svg.labels()[0].font_px, 12);
}

TEST(Svg, OverlapNeedsMoreThanATouch) {
  EXPECT_TRUE(overlap({0, 0, 10, 10}, {5, 5, 10, 10}));
  EXPECT_FALSE(overlap({0, 0, 10, 10}, {10, 0, 10, 10}));
  EXPECT_FALSE(overlap({0, 0, 10, 10}, {0, 10, 10, 10}));
}

TEST(Svg, TextWidthIsAnUpperBoundPerCharacterClass) {
  EXPECT_GT(text_width_px("mmmm"), text_width_px("iiii"));
  EXPECT_GT(text_width_px("abc", kFontPx, true), text_width_px("abc"));
  // A non-ASCII character counts once, not per byte.
  EXPECT_DOUBLE_EQ(text_width_px("→"), kFontPx);
  // DejaVu Sans's digits are 0.64 em: the estimate is not below.
  EXPECT_GE(text_width_px("0123456789"), 10 * 0.64 * kFontPx);
}

TEST(Svg, CountsAndDurationsReadWell) {
  EXPECT_EQ(count_text(0), "0");
  EXPECT_EQ(count_text(999), "999");
  EXPECT_EQ(count_text(5639), "5,639");
  EXPECT_EQ(count_text(1234567), "1,234,567");
  EXPECT_EQ(duration_text(0), "0 h");
  EXPECT_EQ(duration_text(0.84), "0.8 h");
  EXPECT_EQ(duration_text(37.2), "37 h");
  EXPECT_EQ(duration_text(106.47), "4.4 d");
}

}  // namespace
}  // namespace tearline::pictures
