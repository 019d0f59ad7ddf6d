#include "analysis/views/streamed_table.h"

#include <utility>

#include "base/invariant.h"

namespace tearline::trace_views {

StreamedTable::StreamedTable(std::vector<report::Column> columns, size_t indent,
                             std::vector<std::string> widest,
                             std::function<void(const std::string&)> write)
    : columns_(std::move(columns)),
      indent_(indent),
      widest_(std::move(widest)),
      write_(std::move(write)) {
  report::TextTable sizing(columns_, indent_);
  sizing.add_row(widest_);
  prefix_ = sizing.render();
}

void StreamedTable::add_row(std::vector<std::string> cells) {
  for (size_t i = 0; i < cells.size() && i < widest_.size(); ++i) {
    // The caller's first pass over the same rows found the widest cells.
    TEARLINE_ASSERT(cells[i].size() <= widest_[i].size());
  }
  chunk_.push_back(std::move(cells));
  if (chunk_.size() == kChunkRows) finish();
}

void StreamedTable::finish() {
  // Each chunk is rendered beneath the widest row, so with the whole
  // table's column widths; the lines of that row (and of the titles, but
  // for the first chunk) are left out. The titles hold no newline.
  if (!titles_written_) {
    write_(prefix_.substr(0, prefix_.find('\n') + 1));
    titles_written_ = true;
  }
  if (chunk_.empty()) return;
  report::TextTable table(columns_, indent_);
  table.add_row(widest_);
  for (std::vector<std::string>& row : chunk_) table.add_row(std::move(row));
  chunk_.clear();
  const std::string text = table.render();
  TEARLINE_ASSERT(text.starts_with(prefix_));  // The widest row sets every chunk's widths.
  write_(text.substr(prefix_.size()));
}

}  // namespace tearline::trace_views
