#include "analysis/report/report_json.h"

#include <fmt/format.h>

#include "proto/proto_json.h"
#include "analysis/report/report.h"

namespace tearline::report {

std::string to_json(const v1::RunReport& report) {
  std::string text;
  // Printing fails only for values JSON cannot hold, which the report never
  // computes (non-finite hours are a bug).
  if (const std::string error = proto_json::print(report, &text); !error.empty()) {
    throw ReportError("report.json: " + error);
  }
  return text;
}

v1::RunReport report_from_json(std::string_view text) {
  v1::RunReport report;
  if (const std::string error = proto_json::parse(text, &report); !error.empty()) {
    throw ReportError(fmt::format("not a tearline report: {}", error));
  }
  return report;
}

v1::RunReport read_report_json(const std::string& path) {
  std::string text;
  if (const std::string error = proto_json::read_file(path, kReportJsonMaxBytes, &text);
      !error.empty()) {
    throw ReportError(fmt::format("{}: {}", path, error));
  }
  try {
    return report_from_json(text);
  } catch (const ReportError& e) {
    throw ReportError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tearline::report
