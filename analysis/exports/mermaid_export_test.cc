#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "analysis/exports/export_test_support.h"
#include "analysis/exports/trace_exports.h"

namespace tearline::trace_exports {
namespace {

// Checks that every arrow and note names declared participants; returns the
// number of arrows.
size_t expect_participants_declared(const std::string& diagram) {
  const std::regex participant(R"(^\s*participant (\S+) as .+$)");
  const std::regex arrow(R"(^\s*(\w+)(->>|-x)(\w+): .+$)");
  const std::regex note(R"(^\s*Note over (\w+): .+$)");
  std::set<std::string> declared;
  size_t arrows = 0;
  std::istringstream lines(diagram);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, participant)) {
      declared.insert(match[1]);
    } else if (std::regex_match(line, match, arrow)) {
      EXPECT_TRUE(declared.contains(match[1])) << line;
      EXPECT_TRUE(declared.contains(match[3])) << line;
      ++arrows;
    } else if (std::regex_match(line, match, note)) {
      EXPECT_TRUE(declared.contains(match[1])) << line;
    }
  }
  return arrows;
}

TEST(MermaidExport, MatchesGolden) {
  std::vector<std::string> warnings;
  const std::string out = export_mermaid(recorded_run(), {}, &warnings);
  EXPECT_TRUE(warnings.empty());
  expect_golden("mermaid.md", out);
}

TEST(MermaidExport, PlotTracesByDefault) {
  const std::string out = export_mermaid(recorded_run(), {}, nullptr);
  EXPECT_TRUE(out.starts_with("sequenceDiagram\n"));
  EXPECT_GT(expect_participants_declared(out), 0u);
  // The plot's trace ids are bb-north-1 and aa-north-1.
  EXPECT_EQ(out, export_mermaid(recorded_run(), {"bb-north-1", "aa-north-1"}, nullptr));
  EXPECT_EQ(out.find("bb-south-1"), std::string::npos);
  EXPECT_NE(out.find("%% mode: bilateral"), std::string::npos);
  EXPECT_NE(out.find("%% mode: coordinated"), std::string::npos);
}

TEST(MermaidExport, ChosenTraceOnly) {
  const std::string out = export_mermaid(recorded_run(), {"bb-south-1"}, nullptr);
  EXPECT_TRUE(out.starts_with("sequenceDiagram\n"));
  EXPECT_GT(expect_participants_declared(out), 0u);
  EXPECT_NE(out.find("bb-south-1>agency.aa agency.bb->agency.aa"), std::string::npos) << out;
  EXPECT_EQ(out.find("north-1"), std::string::npos) << out;
}

TEST(MermaidExport, LostTransferIsACrossedArrow) {
  TempRun run;
  write_lost_run(run);
  const std::string out = export_mermaid(run.path(), {}, nullptr);
  EXPECT_EQ(expect_participants_declared(out), 1u);
  EXPECT_NE(out.find("bilateral_agency_aa-xbilateral_unit_north: lost: link down"),
            std::string::npos)
      << out;
}

TEST(MermaidExport, UnknownTraceGivesAnEmptyDiagram) {
  const std::string out = export_mermaid(recorded_run(), {"no-such-trace"}, nullptr);
  EXPECT_TRUE(out.starts_with("sequenceDiagram\n"));
  EXPECT_EQ(expect_participants_declared(out), 0u);
  EXPECT_NE(out.find("no events"), std::string::npos);
}

}  // namespace
}  // namespace tearline::trace_exports
