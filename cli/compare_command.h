// `tearline compare RUN_A RUN_B` and `tearline compare RUN --modes`: two
// run reports side by side, the largest changes first (analysis/compare/).
#pragma once

#include <string>
#include <vector>

namespace tearline {

struct CompareOptions {
  // Run directories or report.json files: two, or one with `modes`.
  std::vector<std::string> runs;
  bool modes = false;     // The one run's bilateral mode as A, coordinated as B.
  std::string json_path;  // Write the RunComparison JSON here when set.
  std::string html_path;  // Write the HTML page here when set.
};

// The text goes to stdout unless a file is asked for. Exit codes: 0
// compared; 1 a run unreadable or not a report, a mode missing for --modes,
// or a file that cannot be written (the message names the file and why);
// 2 bad usage.
int compare_command(const CompareOptions& options);

// The explanation `tearline compare --help` ends with: the order of the
// changes and examples.
extern const char* const kCompareHelpFooter;

}  // namespace tearline
