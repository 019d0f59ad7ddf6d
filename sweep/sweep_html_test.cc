// sweep.html: Wilson intervals against known values, and a chart per plot
// and parameter whose markers carry the counts of the rows.
#include "sweep/sweep_html.h"

#include <gtest/gtest.h>

namespace tearline::sweep {
namespace {

int occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(SweepHtml, WilsonIntervalsMatchKnownValues) {
  const auto [low0, high0] = wilson_interval(0, 10);
  EXPECT_NEAR(low0, 0.0, 1e-9);
  EXPECT_NEAR(high0, 0.2775, 1e-4);
  const auto [low5, high5] = wilson_interval(5, 10);
  EXPECT_NEAR(low5, 0.2366, 1e-4);
  EXPECT_NEAR(high5, 0.7634, 1e-4);
  const auto [low20, high20] = wilson_interval(20, 20);
  EXPECT_NEAR(low20, 0.8389, 1e-4);
  EXPECT_NEAR(high20, 1.0, 1e-9);
  EXPECT_EQ(wilson_interval(0, 0), std::make_pair(0.0, 1.0));
}

TEST(SweepHtml, AChartPerPlotAndParameterWithTheRowsCounts) {
  v1::SweepResults sweep;
  sweep.set_scenario("s<1>");
  for (const char* mode : {"bilateral", "coordinated"}) sweep.add_modes(mode);
  sweep.add_seeds(1);
  sweep.add_seeds(2);
  v1::SweepParameter& a = *sweep.add_parameters();
  a.set_path("a");
  a.add_values("1");
  a.add_values("2");
  v1::SweepParameter& b = *sweep.add_parameters();
  b.set_path("b");
  b.add_values("x");
  for (const int a_value : {1, 2}) {
    for (const int seed : {1, 2}) {
      for (const std::string mode : {"bilateral", "coordinated"}) {
        const bool averted = mode == "coordinated" || (a_value == 2 && seed == 1);
        v1::SweepRow& row = *sweep.add_rows();
        row.set_point(a_value - 1);
        (*row.mutable_parameters())["a"] = std::to_string(a_value);
        (*row.mutable_parameters())["b"] = "x";
        row.set_seed(seed);
        row.set_mode(mode);
        v1::SweepPlot& plot = (*row.mutable_plots())["p"];
        plot.set_averted(averted);
        if (averted) plot.set_lead_h(100.5);
        row.mutable_messages()->set_lost(2);
        (*row.mutable_lost_by_reason())["link-loss"] = 2;
      }
    }
  }
  v1::SweepRow& unreported = *sweep.add_rows();  // Left out of every chart.
  unreported.set_seed(3);
  unreported.set_mode("bilateral");
  unreported.set_exit(1);
  const std::string html = sweep_html(sweep);
  EXPECT_NE(html.find("<title>tearline sweep: s&lt;1&gt;</title>"), std::string::npos);
  EXPECT_EQ(occurrences(html, "<svg class=\"averted\""), 2);  // One plot, two parameters.
  EXPECT_NE(html.find("data-parameter=\"a\""), std::string::npos);
  EXPECT_NE(
      html.find("data-mode=\"bilateral\" data-value=\"2\" data-averted=\"1\" data-runs=\"2\""),
      std::string::npos);
  EXPECT_NE(html.find("data-mode=\"coordinated\" data-value=\"1\" data-averted=\"2\" "
                      "data-runs=\"2\""),
            std::string::npos);
  EXPECT_NE(html.find("data-mode=\"bilateral\" data-value=\"x\" data-averted=\"1\" "
                      "data-runs=\"4\""),
            std::string::npos);
  EXPECT_EQ(occurrences(html, "<circle class=\"lead\""), 5);  // The averted runs.
  EXPECT_EQ(occurrences(html, "<rect class=\"loss\""), 2);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace tearline::sweep
