// A report::TextTable too long to hold in memory: its rows rendered a chunk
// at a time, as the TextTable of all of them would render them. Internal to
// tearline_trace_views.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "analysis/read/text_table.h"

namespace tearline::trace_views {

class StreamedTable {
 public:
  // `widest` holds, per column, one of the widest cells of all the rows to
  // come (found by a first look at them): the columns are as wide as in the
  // whole table. `write` receives the rendered lines, each chunk of them
  // ending in '\n'.
  StreamedTable(std::vector<report::Column> columns, size_t indent, std::vector<std::string> widest,
                std::function<void(const std::string&)> write);
  StreamedTable(const StreamedTable&) = delete;
  StreamedTable& operator=(const StreamedTable&) = delete;

  // No cell may be wider than its column's in `widest`.
  void add_row(std::vector<std::string> cells);
  // Writes the title line if not yet written, and the rows not yet
  // written. Call it after the last row: rows left are not written.
  void finish();

 private:
  static constexpr size_t kChunkRows = 1024;

  std::vector<report::Column> columns_;
  size_t indent_;
  std::vector<std::string> widest_;
  std::function<void(const std::string&)> write_;
  std::string prefix_;  // Titles and the widest row, rendered.
  bool titles_written_ = false;
  std::vector<std::vector<std::string>> chunk_;
};

}  // namespace tearline::trace_views
