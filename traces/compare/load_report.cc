#include "traces/compare/load_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "traces/report/report.h"
#include "traces/report/report_json.h"

namespace tearline::compare {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Removes null values (how the report builder writes an absent field,
// where the proto's JSON leaves it out). False when `value` nests deeper
// than kReportJsonDepthMax: hostile input must not exhaust the stack.
bool drop_nulls(json& value, int depth) {
  if (depth > kReportJsonDepthMax) return false;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it->is_null()) {
        it = value.erase(it);
        continue;
      }
      if (!drop_nulls(*it, depth + 1)) return false;
      ++it;
    }
  } else if (value.is_array()) {
    for (json& item : value) {
      if (!drop_nulls(item, depth + 1)) return false;
    }
  }
  return true;
}

// A report as build_report() writes it (nlohmann::json, also report.json
// files of runs made before it returned a RunReport) into a RunReport:
// nulls left out and exposure's handle lists wrapped in Handles. Throws
// ReportError when it is not a report either way.
v1::RunReport from_builder_json(json report) {
  if (!drop_nulls(report, 0)) throw ReportError("not a tearline report: nested too deep");
  if (report.is_object() && report.contains("modes") && report["modes"].is_object()) {
    for (auto& [mode, mode_report] : report["modes"].items()) {
      if (!mode_report.is_object() || !mode_report.contains("exposure")) continue;
      json& exposure = mode_report["exposure"];
      if (!exposure.is_object() || !exposure.contains("source_handles_seen_by")) continue;
      for (auto& [node, handles] : exposure["source_handles_seen_by"].items()) {
        if (handles.is_array()) handles = json{{"handles", handles}};
      }
    }
  }
  return report::report_from_json(report.dump());
}

// The report computed from the run's traces. After the report builder
// returns a RunReport, this is build_report() itself.
v1::RunReport report_from_traces(const std::string& run_dir, std::vector<std::string>* warnings) {
  return from_builder_json(build_report(run_dir, warnings));
}

// A report.json a tearline of before the RunReport builder wrote, or
// nullopt when the file is not that either.
std::optional<v1::RunReport> read_builder_json(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // nlohmann's parser does not recurse, so depth is checked after it.
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  try {
    return from_builder_json(std::move(parsed));
  } catch (const ReportError&) {
    return std::nullopt;
  }
}

}  // namespace

NamedReport load_report(const std::string& path, std::vector<std::string>* warnings) {
  std::error_code error;
  std::string file = path;
  if (fs::is_directory(path, error)) {
    file = (fs::path(path) / "report.json").string();
    if (!fs::exists(file, error)) return {path, report_from_traces(path, warnings)};
  } else if (!fs::exists(path, error)) {
    throw ReportError(fmt::format("{}: no such run directory or report.json", path));
  }
  try {
    return {path, report::read_report_json(file)};
  } catch (const ReportError&) {
    // read_report_json refused a file too large to read before this.
    if (fs::file_size(file, error) > report::kReportJsonMaxBytes || error) throw;
    if (auto report = read_builder_json(file)) return {path, std::move(*report)};
    throw;
  }
}

}  // namespace tearline::compare
