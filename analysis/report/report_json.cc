#include "analysis/report/report_json.h"

#include "analysis/report/report.h"
#include "proto/proto_json.h"

namespace tearline::report {
namespace {

// Printing fails only for values JSON cannot hold, which the report never
// computes (non-finite hours are a bug).
constexpr proto_json::File<v1::RunReport, ReportError> kReportJson{"report.json", "report",
                                                                   kReportJsonMaxBytes};

}  // namespace

std::string to_json(const v1::RunReport& report) { return kReportJson.print(report); }

v1::RunReport report_from_json(std::string_view text) { return kReportJson.parse(text); }

v1::RunReport read_report_json(const std::string& path) { return kReportJson.read(path); }

}  // namespace tearline::report
