#include "analysis/compare/load_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "analysis/report/report.h"
#include "analysis/report/report_json.h"

namespace tearline::compare {

namespace fs = std::filesystem;

NamedReport load_report(const std::string& path, std::vector<std::string>* warnings) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    const std::string file = (fs::path(path) / "report.json").string();
    if (!fs::exists(file, error)) return {path, build_report(path, warnings)};
    try {
      return {path, report::read_report_json(file)};
    } catch (const ReportError& e) {
      // A report.json of another version: the traces make it again.
      throw ReportError(
          fmt::format("{} (make it again from the run's traces: tearline report {} "
                      "--json > {})",
                      e.what(), path, file));
    }
  }
  if (!fs::exists(path, error)) {
    throw ReportError(fmt::format("{}: no such run directory or report.json", path));
  }
  return {path, report::read_report_json(path)};
}

}  // namespace tearline::compare
