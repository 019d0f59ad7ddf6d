#include "sweep/sweep_results.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "base/whole_file.h"
#include "sweep/sweep_html.h"
#include "sweep/sweep_json.h"

namespace tearline::sweep {
namespace {

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

void write_whole(const std::filesystem::path& path, const std::string& text) {
  if (const std::string error = write_whole_file(path, text); !error.empty()) {
    throw std::runtime_error(error);
  }
}

// The CSV's message columns, named as the fields of v1::MessageCounts.
struct MessageColumn {
  const char* name;
  uint32_t (v1::MessageCounts::*count)() const;
};
constexpr MessageColumn kMessageColumns[] = {{"created", &v1::MessageCounts::created},
                                             {"delivered", &v1::MessageCounts::delivered},
                                             {"lost", &v1::MessageCounts::lost},
                                             {"in_flight", &v1::MessageCounts::in_flight},
                                             {"unaccounted", &v1::MessageCounts::unaccounted}};

}  // namespace

v1::SweepResults results_of(const std::string& scenario, const std::vector<Parameter>& parameters,
                            const std::vector<uint64_t>& seeds,
                            const std::vector<std::string>& modes) {
  v1::SweepResults results;
  results.set_scenario(scenario);
  for (const Parameter& parameter : parameters) {
    v1::SweepParameter& added = *results.add_parameters();
    added.set_path(parameter.path);
    for (const std::string& value : parameter.values) added.add_values(value);
  }
  for (const uint64_t seed : seeds) results.add_seeds(seed);
  for (const std::string& mode : modes) results.add_modes(mode);
  return results;
}

std::vector<v1::SweepRow> rows_of_run(const std::vector<Parameter>& parameters, const RunSpec& run,
                                      int exit_code, const std::optional<v1::RunReport>& report,
                                      const std::vector<std::string>& modes) {
  const auto row_for = [&](const std::string& mode) {
    v1::SweepRow row;
    row.set_point(static_cast<uint32_t>(run.point));  // At most kPointsMax.
    for (size_t i = 0; i < parameters.size(); ++i) {
      (*row.mutable_parameters())[parameters[i].path] = run.values.at(i);
    }
    row.set_seed(run.seed);
    row.set_mode(mode);
    row.set_run(run.dir);
    row.set_exit(exit_code);
    return row;
  };
  std::vector<v1::SweepRow> rows;
  if (!report) {
    for (const std::string& mode : modes) rows.push_back(row_for(mode));
    return rows;
  }
  // A protobuf map has no order: the modes in name order, the same every time.
  std::vector<std::string> reported;
  for (const auto& [mode, result] : report->modes()) reported.push_back(mode);
  std::sort(reported.begin(), reported.end());
  for (const std::string& mode : reported) {
    const v1::ModeReport& result = report->modes().at(mode);
    v1::SweepRow row = row_for(mode);
    for (const v1::PlotOutcome& plot : result.plots()) {
      v1::SweepPlot& outcome = (*row.mutable_plots())[plot.id()];
      outcome.set_averted(plot.averted());
      if (plot.has_lead_time_h()) outcome.set_lead_h(plot.lead_time_h());
    }
    *row.mutable_messages() = result.messages();
    row.mutable_lost_by_reason()->insert(result.lost_by_reason().begin(),
                                         result.lost_by_reason().end());
    row.set_exposure_nodes(result.exposure().nodes());
    row.set_unaccounted(result.messages().unaccounted());
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string value_of(const v1::SweepRow& row, const std::string& path) {
  const auto found = row.parameters().find(path);
  return found == row.parameters().end() ? "" : found->second;
}

std::string csv_of(const v1::SweepResults& results) {
  std::set<std::string> plots;
  std::set<std::string> reasons;
  for (const v1::SweepRow& row : results.rows()) {
    for (const auto& [id, outcome] : row.plots()) plots.insert(id);
    for (const auto& [reason, count] : row.lost_by_reason()) reasons.insert(reason);
  }
  std::vector<std::string> header = {"point"};
  for (const v1::SweepParameter& parameter : results.parameters()) {
    header.push_back(parameter.path());
  }
  for (const char* column : {"seed", "mode", "run", "exit"}) header.push_back(column);
  for (const std::string& plot : plots) {
    header.push_back(plot + ".averted");
    header.push_back(plot + ".lead_h");
  }
  for (const MessageColumn& column : kMessageColumns) header.push_back(column.name);
  header.push_back("exposure_nodes");
  for (const std::string& reason : reasons) header.push_back("lost:" + reason);

  std::string out;
  const auto add_line = [&out](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_field(fields[i]);
    }
    out += "\n";
  };
  add_line(header);
  for (const v1::SweepRow& row : results.rows()) {
    std::vector<std::string> fields = {std::to_string(row.point())};
    for (const v1::SweepParameter& parameter : results.parameters()) {
      fields.push_back(value_of(row, parameter.path()));
    }
    fields.push_back(std::to_string(row.seed()));
    fields.push_back(row.mode());
    fields.push_back(row.run());
    fields.push_back(std::to_string(row.exit()));
    for (const std::string& plot : plots) {
      const auto outcome = row.plots().find(plot);
      if (outcome == row.plots().end()) {
        fields.insert(fields.end(), {"", ""});
        continue;
      }
      fields.push_back(outcome->second.averted() ? "1" : "0");
      // Shortest exact.
      fields.push_back(outcome->second.has_lead_h() ? fmt::format("{}", outcome->second.lead_h())
                                                    : "");
    }
    // A row without a report (no messages) has empty cells past its exit
    // code; one with a report and no loss of a reason lost none of it.
    const bool reported = row.has_messages();
    for (const MessageColumn& column : kMessageColumns) {
      fields.push_back(reported ? std::to_string((row.messages().*column.count)()) : "");
    }
    fields.push_back(row.has_exposure_nodes() ? std::to_string(row.exposure_nodes()) : "");
    for (const std::string& reason : reasons) {
      const auto lost = row.lost_by_reason().find(reason);
      fields.push_back(!reported                            ? ""
                       : lost == row.lost_by_reason().end() ? "0"
                                                            : std::to_string(lost->second));
    }
    add_line(fields);
  }
  return out;
}

void write_results(const std::filesystem::path& dir, const v1::SweepResults& results) {
  write_whole(dir / "sweep.json", to_json(results));
  write_whole(dir / "sweep.csv", csv_of(results));
  write_whole(dir / "sweep.html", sweep_html(results));
}

}  // namespace tearline::sweep
