#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "traces/report/message_fates.h"
#include "traces/trace_exports/export_events.h"
#include "traces/trace_exports/export_test_support.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline::trace_exports {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The <svg class="sequence"> element of `mode`, or "" if there is none.
std::string sequence_of(const std::string& html, const std::string& mode) {
  const size_t start = html.find("class=\"sequence\" data-mode=\"" + mode + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</svg>", start) - start);
}

// Messages of `traces` received on a link in `mode`: the transfers.
size_t transfers(const std::string& run, const std::string& mode,
                 const std::set<std::string>& traces) {
  for (const ModeEvents& events : read_run(run, nullptr)) {
    if (events.traces.mode != mode) continue;
    const report::MessageIndex index(events.traces.events);
    std::set<std::string> received;
    for (const report::Event& event : events.traces.events) {
      std::string from;
      std::string to;
      if (event.kind == "received" && split_link(event.handoff, &from, &to) &&
          traces.contains(index.trace_of(event.msg))) {
        received.insert(event.msg);
      }
    }
    return received.size();
  }
  return 0;
}

TEST(HtmlExport, MatchesGolden) {
  std::vector<std::string> warnings;
  const std::string out = export_html(recorded_run(), {}, &warnings);
  EXPECT_TRUE(warnings.empty());
  expect_golden("report.html", out);
}

TEST(HtmlExport, WellFormedEnough) {
  const std::string out = export_html(recorded_run(), {}, nullptr);
  EXPECT_TRUE(out.starts_with("<!DOCTYPE html>\n<html"));
  EXPECT_TRUE(out.ends_with("</html>\n"));
  EXPECT_EQ(count(out, "<svg "), count(out, "</svg>"));
  EXPECT_EQ(count(out, "<g "), count(out, "</g>"));
  EXPECT_EQ(count(out, "<table"), count(out, "</table>"));
  // Every <line> and <path> is self-closed.
  EXPECT_EQ(std::regex_search(out, std::regex("<(line|path)[^>]*[^/]>")), false);
  EXPECT_EQ(out.find("<script"), std::string::npos);
  EXPECT_EQ(count(out, "http"), count(out, "\"http://www.w3.org/"));  // Namespaces only.
  EXPECT_NE(out.find("<title>tearline run: small seed 1</title>"), std::string::npos);
}

TEST(HtmlExport, PlotTable) {
  const std::string out = export_html(recorded_run(), {}, nullptr);
  EXPECT_NE(out.find("<td>plot.north-1</td>"), std::string::npos);
  EXPECT_NE(out.find("<th>bilateral averted</th>"), std::string::npos);
  EXPECT_NE(out.find("<th>coordinated lead time</th>"), std::string::npos);
}

TEST(HtmlExport, OneArrowPerTransfer) {
  const std::string out = export_html(recorded_run(), {}, nullptr);
  const std::set<std::string> plot_traces = {"bb-north-1", "aa-north-1"};
  for (const std::string mode : {"bilateral", "coordinated"}) {
    const std::string svg = sequence_of(out, mode);
    ASSERT_FALSE(svg.empty()) << mode;
    EXPECT_EQ(count(svg, "class=\"arrow\""), transfers(recorded_run(), mode, plot_traces)) << mode;
    EXPECT_EQ(count(svg, "class=\"arrow lost\""), 0u) << mode;
  }
  // The same numbers as the Mermaid golden's arrows.
  EXPECT_EQ(count(sequence_of(out, "bilateral"), "class=\"arrow\""), 4u);
  EXPECT_EQ(count(sequence_of(out, "coordinated"), "class=\"arrow\""), 7u);
}

TEST(HtmlExport, ChosenTraceOnly) {
  const std::string out = export_html(recorded_run(), {"bb-south-1"}, nullptr);
  const std::string svg = sequence_of(out, "coordinated");
  EXPECT_EQ(count(svg, "class=\"arrow\""),
            transfers(recorded_run(), "coordinated", {"bb-south-1"}));
  EXPECT_GT(count(svg, "class=\"arrow\""), 0u);
  EXPECT_EQ(svg.find("north-1"), std::string::npos) << svg;
}

TEST(HtmlExport, LostTransferEndsInACross) {
  TempRun run;
  write_lost_run(run);
  const std::string out = export_html(run.path(), {}, nullptr);
  const std::string svg = sequence_of(out, "bilateral");
  EXPECT_EQ(count(svg, "class=\"arrow\""), 0u);
  EXPECT_EQ(count(svg, "<g class=\"lost\">"), 1u);
  EXPECT_EQ(count(svg, "class=\"arrow lost\""), 1u);
  const size_t lost = svg.find("<g class=\"lost\">");
  const std::string group = svg.substr(lost, svg.find("</g>", lost) - lost);
  EXPECT_NE(group.find("class=\"cross\""), std::string::npos) << group;
  EXPECT_NE(group.find("lost: link down"), std::string::npos) << group;
}

TEST(HtmlExport, CentreTableOnlyWhenTheCentreWasDownOrHasAStandby) {
  EXPECT_EQ(export_html(recorded_run(), {}, nullptr).find("<h3>Centre</h3>"), std::string::npos);
  // The faulty run's broker is killed at 26.25 h and back at 40.75 h.
  const std::string out = export_html(recorded_faulty_run(), {}, nullptr);
  const size_t coordinated = out.find("<section class=\"mode\" id=\"mode-coordinated\">");
  ASSERT_NE(coordinated, std::string::npos);
  EXPECT_EQ(count(out, "<h3>Centre</h3>"), 1u);
  EXPECT_GT(out.find("<h3>Centre</h3>"), coordinated);
  EXPECT_NE(out.find("<tr><td>down</td><td>2020-01-02 02:15</td><td>2020-01-02 16:45</td>"
                     "<td>14.5</td><td>broker signal:KILL, back on broker</td></tr>"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("<p>Without an active centre: 14.5 h in all."), std::string::npos);
}

TEST(HtmlExport, DelayHistogramPerHandoff) {
  const std::string out = export_html(recorded_run(), {}, nullptr);
  EXPECT_NE(
      out.find(
          "class=\"histogram\" data-mode=\"coordinated\" data-handoff=\"agency.bb-&gt;broker\""),
      std::string::npos);
  EXPECT_EQ(count(out, "class=\"histogram\"") * 10, count(out, "class=\"bar\""));
}

}  // namespace
}  // namespace tearline::trace_exports
