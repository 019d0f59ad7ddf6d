// The labels of the handoff map's entries: a department's or a link's
// lines (counts in and out, p50/p90 delay, in flight, sharing, resends, and
// each loss reason in red), with the CSS classes the page and its tests read
// the numbers by ("in", "out", "lost", "in-flight"). Internal to
// tearline_pictures (handoff_map.cc).
#pragma once

#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/pictures/svg.h"

namespace tearline::pictures {

struct Line {
  std::vector<Span> spans;
  std::string css_class;
  bool bold = false;
};

// A department or a link: its handoff and the lines that label it.
struct Entry {
  const v1::Handoff* handoff = nullptr;
  std::vector<Line> lines;
  // The widest line, estimated as text_width_px() does.
  double width() const {
    double width = 0;
    for (const Line& line : lines) {
      std::string text;
      for (const Span& span : line.spans) text += span.text;
      width = std::max(width, text_width_px(text, kFontPx, line.bold));
    }
    return width;
  }
  double height() const { return kLineHeightPx * static_cast<double>(lines.size()); }
};

// The order a report passes through a node's departments: desk, sharing,
// database, cipher, officers, intake, then the others.
int department_rank(const std::string& handoff_name);

// The lines of a handoff's label: a department's start with its name, a
// link's with "from → to" on a line of its own.
std::vector<Line> lines_of(const v1::Handoff& handoff, bool link);

}  // namespace tearline::pictures
