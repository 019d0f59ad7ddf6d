#include "cli/sweep/sweep_summary.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/read/text_table.h"
#include "sweep/sweep_results.h"

namespace tearline {

void print_summary(const v1::SweepResults& results) {
  // Point -> plot -> mode -> (averted, runs).
  std::map<uint32_t, std::map<std::string, std::map<std::string, std::pair<int, int>>>> shares;
  std::map<uint32_t, const v1::SweepRow*> point_rows;  // A row of each point, for its values.
  std::set<std::string> modes;
  for (const v1::SweepRow& row : results.rows()) {
    point_rows[row.point()] = &row;
    modes.insert(row.mode());
    for (const auto& [plot, outcome] : row.plots()) {
      auto& [averted, runs] = shares[row.point()][plot][row.mode()];
      averted += outcome.averted() ? 1 : 0;
      ++runs;
    }
  }
  std::vector<report::Column> columns;
  for (const v1::SweepParameter& parameter : results.parameters()) {
    columns.push_back({parameter.path()});
  }
  columns.push_back({"plot", report::Align::kLeft, /*shrinkable=*/true});
  for (const std::string& mode : modes) columns.push_back({mode, report::Align::kRight});
  report::TextTable table(std::move(columns), 2);
  for (const auto& [point, plots] : shares) {
    for (const auto& [plot, by_mode] : plots) {
      std::vector<std::string> cells;
      for (const v1::SweepParameter& parameter : results.parameters()) {
        cells.push_back(sweep::value_of(*point_rows.at(point), parameter.path()));
      }
      cells.push_back(plot);
      for (const std::string& mode : modes) {
        const auto share = by_mode.find(mode);
        cells.push_back(share == by_mode.end()
                            ? "-"
                            : fmt::format("{}/{}", share->second.first, share->second.second));
      }
      table.add_row(std::move(cells));
    }
  }
  fmt::print("\nplots averted (runs averted / runs), by point and mode:\n{}", table.render());
}

}  // namespace tearline
