// TESTS ONLY: writes report.html of a report.json to stdout, with the
// hand-made words of sample_words_for_tests.h when --sample-words is given
// (tests/html_chromium_test.sh opens it in Chromium). Exit 2 on bad usage,
// 1 when the report cannot be read.
#include <cstring>
#include <iostream>

#include "traces/pages/report_page.h"
#include "traces/pages/sample_words_for_tests.h"
#include "traces/report/report.h"
#include "traces/report/report_json.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--sample-words") != 0)) {
    std::cerr << "usage: report_page_for_tests REPORT_JSON [--sample-words]\n";
    return 2;
  }
  try {
    const auto report = tearline::report::read_report_json(argv[1]);
    const bool words = argc == 3;
    std::cout << tearline::pages::report_page(
        report, words ? tearline::pages::sample_stories() : std::vector<tearline::explain::Story>{},
        words ? tearline::pages::sample_fault_lines(report)
              : std::vector<tearline::explain::FaultLine>{});
  } catch (const std::exception& error) {
    std::cerr << "report_page_for_tests: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
