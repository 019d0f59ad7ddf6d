// Shared by the pictures' and the pages' tests: the report fixtures and label
// checks.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/pictures/svg.h"
#include "analysis/report/report_fixtures.h"

namespace tearline::pictures::testing {

// tests/data/reports/<name>.report.json: the report of a real run.
inline v1::RunReport pictures_fixture(const std::string& name = "manchester-2017-seed1") {
  return report::fixtures::load(name);
}

// The same, as a report of before the why (report::fixtures::older).
inline v1::RunReport plain_fixture(const std::string& name) {
  return report::fixtures::older(report::fixtures::load(name));
}

// Every pair of labels whose boxes overlap, as "a / b" lines ("" when none).
inline std::string overlapping_labels(const std::vector<Label>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = i + 1; j < labels.size(); ++j) {
      if (overlap(labels[i].box, labels[j].box)) {
        out += labels[i].text + " / " + labels[j].text + "\n";
      }
    }
  }
  return out;
}

inline size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Every label that reaches outside its picture ("" when none).
inline std::string clipped_labels(const Picture& picture) {
  std::string out;
  for (const Label& label : picture.labels) {
    if (label.box.x < 0 || label.box.y < 0 || label.box.right() > picture.width_px ||
        label.box.bottom() > picture.height_px) {
      out += label.text + "\n";
    }
  }
  return out;
}

// The smallest font-size of the labels.
inline double smallest_font_px(const std::vector<Label>& labels) {
  double smallest = 1e9;
  for (const Label& label : labels) smallest = std::min(smallest, label.font_px);
  return smallest;
}

}  // namespace tearline::pictures::testing
