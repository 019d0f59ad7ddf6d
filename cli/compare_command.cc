#include "cli/compare_command.h"

#include <fmt/format.h>

#include <exception>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "analysis/compare/compare.h"
#include "analysis/compare/compare_html.h"
#include "analysis/compare/compare_json.h"
#include "analysis/compare/compare_text.h"
#include "analysis/compare/load_report.h"
#include "analysis/report/report.h"
#include "base/whole_file.h"

namespace tearline {

const char* const kCompareHelpFooter = R"(
Each RUN is a run directory (its report.json, or the report computed from its
traces when it has none) or a report.json file. Two runs are compared mode by
mode (bilateral with bilateral, coordinated with coordinated); --modes
compares one run's bilateral mode (A) with its coordinated mode (B).
Different scenarios, seeds or faults are allowed and flagged at the top.

Largest changes first: plots whose outcome changed (averted in one, not in
the other), then by how much the lead time moved; handoffs by |delta lost| +
|delta in flight|, then by the relative change of the p90 delay (|B - A| over
the larger), then by |delta in|. Deltas are B - A.

Examples:
  tearline compare runs/manchester-2017-seed1 runs/manchester-2017-full-sharing-seed1
  tearline compare runs/manchester-2017-seed1 --modes --html modes.html
  tearline compare runs/a/report.json runs/b/report.json --json comparison.json

Exit 0 compared, 1 a run unreadable or not a report (the file is named), 2 bad
usage.
)";

namespace {

// Bounds the size of an error message printed to the terminal.
constexpr size_t kErrorCharsMax = 400;

// An error on one line: the parser's message may quote the untrusted file,
// control characters and line breaks included.
std::string one_line(std::string_view message) {
  std::string line;
  for (const char c : message.substr(0, kErrorCharsMax)) {
    const auto byte = static_cast<unsigned char>(c);
    line += byte < 0x20 || byte == 0x7f ? ' ' : c;
  }
  return message.size() > kErrorCharsMax ? line + "..." : line;
}

v1::RunComparison comparison_of(const CompareOptions& options, std::vector<std::string>* warnings) {
  if (options.modes) {
    return compare::compare_modes(compare::load_report(options.runs[0], warnings), "bilateral",
                                  "coordinated");
  }
  compare::NamedReport a = compare::load_report(options.runs[0], warnings);
  return compare::compare_runs(a, compare::load_report(options.runs[1], warnings));
}

}  // namespace

int compare_command(const CompareOptions& options) {
  const size_t runs_wanted = options.modes ? 1 : 2;
  if (options.runs.size() != runs_wanted) {
    fmt::print(stderr, "tearline compare: {} (see tearline compare --help)\n",
               options.modes ? "--modes compares the two modes of one RUN"
                             : "give two runs, RUN_A RUN_B, or one RUN with --modes");
    return 2;
  }
  v1::RunComparison comparison;
  std::vector<std::string> warnings;
  try {
    comparison = comparison_of(options, &warnings);
    for (const std::string& warning : warnings) {
      fmt::print(stderr, "tearline compare: {}\n", one_line(warning));
    }
  } catch (const ReportError& error) {
    fmt::print(stderr, "tearline compare: {}\n", one_line(error.what()));
    return 1;
  } catch (const std::invalid_argument& error) {  // A mode --modes needs is missing.
    fmt::print(stderr, "tearline compare: {}\n", one_line(error.what()));
    return 1;
  }
  for (const auto& [path, render] : {std::pair{options.json_path, &compare::comparison_json},
                                     std::pair{options.html_path, &compare::comparison_html}}) {
    if (path.empty()) continue;
    const std::string content = render(comparison);
    const std::string error = write_whole_file(path, content);
    if (!error.empty()) {
      fmt::print(stderr, "tearline compare: {}\n", error);
      return 1;
    }
    fmt::print(stderr, "tearline compare: wrote {} ({} bytes)\n", path, content.size());
  }
  if (options.json_path.empty() && options.html_path.empty()) {
    fmt::print("{}", compare::comparison_text(comparison));
  }
  return 0;
}

}  // namespace tearline
