// The report of a run as `tearline compare` is given it: a run directory
// (its report.json, or, when it has none, the report computed from its
// traces) or a report.json file. Reads files; stateless otherwise.
#pragma once

#include <string>
#include <vector>

#include "analysis/compare/compare.h"

namespace tearline::compare {

// Throws ReportError (analysis/report/report.h) naming the file (or folder)
// that is missing, unreadable, too large or not a tearline report. A report
// computed from traces appends a warning for each malformed line skipped to
// *warnings (if not null).
NamedReport load_report(const std::string& path, std::vector<std::string>* warnings);

}  // namespace tearline::compare
