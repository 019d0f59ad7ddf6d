// TESTS ONLY: writes report.html of a report.json to stdout, with its words
// (explain()) when --words is given (tests/html_chromium_test.sh opens it in
// Chromium). Exit 2 on bad usage,
// 1 when the report cannot be read.
#include <cstring>
#include <iostream>

#include "traces/explain/why.h"
#include "traces/pages/report_page.h"
#include "traces/report/report.h"
#include "traces/report/report_json.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--words") != 0)) {
    std::cerr << "usage: report_page_for_tests REPORT_JSON [--words]\n";
    return 2;
  }
  try {
    const auto report = tearline::report::read_report_json(argv[1]);
    const bool words = argc == 3;
    std::cout << tearline::pages::report_page(
        report,
        words ? tearline::explain::explain(report) : std::vector<tearline::explain::Story>{},
        words ? tearline::explain::explain_faults(report)
              : std::vector<tearline::explain::FaultLine>{});
  } catch (const std::exception& error) {
    std::cerr << "report_page_for_tests: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
