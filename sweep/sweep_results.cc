#include "sweep/sweep_results.h"

#include <fmt/format.h>

#include <set>
#include <stdexcept>

#include "common/whole_file.h"
#include "sweep/sweep_html.h"

namespace tearline::sweep {
namespace {

using nlohmann::json;

// A CSV field, quoted when it must be (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string text_of(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  if (value.is_number_float()) return fmt::format("{}", value.get<double>());  // Shortest exact.
  return value.dump();
}

void write_whole(const std::filesystem::path& path, const std::string& text) {
  if (const std::string error = write_whole_file(path, text); !error.empty()) {
    throw std::runtime_error(error);
  }
}

const char* const kMessageColumns[] = {"created", "delivered", "lost", "in_flight", "unaccounted"};

}  // namespace

std::vector<json> rows_of_run(const std::vector<Parameter>& parameters, const RunSpec& run,
                              int exit_code, const json& report,
                              const std::vector<std::string>& modes) {
  json values = json::object();
  for (size_t i = 0; i < parameters.size(); ++i) values[parameters[i].path] = run.values.at(i);
  const auto row_for = [&](const std::string& mode) {
    return json{{"point", run.point}, {"parameters", values}, {"seed", run.seed},
                {"mode", mode},       {"run", run.dir},       {"exit", exit_code}};
  };
  std::vector<json> rows;
  const bool readable =
      report.is_object() && report.contains("modes") && report["modes"].is_object();
  if (!readable) {
    for (const std::string& mode : modes) rows.push_back(row_for(mode));
    return rows;
  }
  for (const auto& [mode, result] : report["modes"].items()) {
    json row = row_for(mode);
    json plots = json::object();
    for (const json& plot : result.value("plots", json::array())) {
      plots[plot.value("id", "")] = {{"averted", plot.value("averted", false)},
                                     {"lead_h", plot.value("lead_time_h", json())}};
    }
    row["plots"] = std::move(plots);
    row["messages"] = result.value("messages", json::object());
    row["lost_by_reason"] = result.value("lost_by_reason", json::object());
    row["exposure_nodes"] = result.value("exposure", json::object()).value("nodes", json());
    row["unaccounted"] = result.value("messages", json::object()).value("unaccounted", json());
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string csv_of(const std::vector<Parameter>& parameters, const std::vector<json>& rows) {
  std::set<std::string> plots;
  std::set<std::string> reasons;
  for (const json& row : rows) {
    // Held here: items() of a temporary would outlive it.
    const json row_plots = row.value("plots", json::object());
    const json lost = row.value("lost_by_reason", json::object());
    for (const auto& [id, outcome] : row_plots.items()) plots.insert(id);
    for (const auto& [reason, count] : lost.items()) reasons.insert(reason);
  }
  std::vector<std::string> header = {"point"};
  for (const Parameter& parameter : parameters) header.push_back(parameter.path);
  for (const char* column : {"seed", "mode", "run", "exit"}) header.push_back(column);
  for (const std::string& plot : plots) {
    header.push_back(plot + ".averted");
    header.push_back(plot + ".lead_h");
  }
  for (const char* column : kMessageColumns) header.push_back(column);
  header.push_back("exposure_nodes");
  for (const std::string& reason : reasons) header.push_back("lost:" + reason);

  std::string out;
  const auto add_line = [&out](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
  };
  add_line(header);
  for (const json& row : rows) {
    std::vector<std::string> fields = {text_of(row["point"])};
    for (const Parameter& parameter : parameters) {
      fields.push_back(text_of(row["parameters"].value(parameter.path, json())));
    }
    for (const char* column : {"seed", "mode", "run", "exit"})
      fields.push_back(text_of(row[column]));
    const json no_plot = {{"averted", nullptr}, {"lead_h", nullptr}};
    for (const std::string& plot : plots) {
      const json outcome = row.value("plots", json::object()).value(plot, no_plot);
      fields.push_back(text_of(outcome["averted"]));
      fields.push_back(text_of(outcome["lead_h"]));
    }
    const json messages = row.value("messages", json::object());
    for (const char* column : kMessageColumns)
      fields.push_back(text_of(messages.value(column, json())));
    fields.push_back(text_of(row.value("exposure_nodes", json())));
    const json lost = row.value("lost_by_reason", json::object());
    // A run with a report and no loss of a reason lost none of it.
    for (const std::string& reason : reasons) {
      fields.push_back(row.contains("messages") ? text_of(lost.value(reason, json(0))) : "");
    }
    add_line(fields);
  }
  return out;
}

void write_results(const std::filesystem::path& dir, const std::string& scenario,
                   const std::vector<Parameter>& parameters, const std::vector<uint64_t>& seeds,
                   const std::vector<std::string>& modes, const std::vector<json>& rows) {
  json parameter_list = json::array();
  for (const Parameter& parameter : parameters) {
    parameter_list.push_back({{"path", parameter.path}, {"values", parameter.values}});
  }
  const json file = {{"scenario", scenario},
                     {"parameters", parameter_list},
                     {"seeds", seeds},
                     {"modes", modes},
                     {"rows", rows}};
  write_whole(dir / "sweep.json", file.dump(1) + "\n");
  write_whole(dir / "sweep.csv", csv_of(parameters, rows));
  write_whole(dir / "sweep.html", sweep_html(file));
}

}  // namespace tearline::sweep
