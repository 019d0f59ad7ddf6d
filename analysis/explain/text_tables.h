// The text report's tables (text_report.h), one function per section, each
// appending to `out`; modes in the order given. Internal to tearline_explain.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/read/text_table.h"

namespace tearline::explain {

using Modes = std::vector<std::string>;

// "1.25", "12.5", "1654": scenario hours to three figures or so.
std::string hours_text(double t_h);
// "2017-05-22 21:31" from an ISO date-time, else "hour 1653.5".
std::string when_text(const std::optional<std::string>& iso, double t_h);
// A proto field with presence as an optional: `value` when `present`.
inline std::optional<std::string> optional_of(bool present, const std::string& value) {
  return present ? std::optional<std::string>(value) : std::nullopt;
}
// "15d 22.3h", "5.0h".
std::string lead_text(double lead_h);

// A table with `row_columns` then one group of `mode_columns` per mode, in
// as few blocks as keep lines within report::kLineWidthMax. cells(row, mode)
// gives the mode cells of row `row`.
struct SideBySide {
  std::vector<report::Column> row_columns;
  std::vector<report::Column> mode_columns;
  std::vector<std::vector<std::string>> rows;
  std::function<std::vector<std::string>(size_t row, const std::string& mode)> cells;

  std::string render(const Modes& modes) const;
  report::TextTable build(const Modes& modes) const;
};

void append_handoffs(const v1::RunReport& report, const Modes& modes, std::string* out);
void append_exposure(const v1::RunReport& report, const Modes& modes, std::string* out);
void append_conservation(const v1::RunReport& report, const Modes& modes, std::string* out);
void append_nodes(const v1::RunReport& report, const Modes& modes, std::string* out);
void append_fault_table(const v1::RunReport& report, const Modes& modes, std::string* out);
void append_anomalies(const v1::RunReport& report, const Modes& modes, std::string* out);
void append_centre(const v1::RunReport& report, const Modes& modes, std::string* out);

}  // namespace tearline::explain
