#include "analysis/read/text_table.h"

#include <algorithm>
#include <numeric>

namespace tearline::report {
namespace {

constexpr size_t kColumnGap = 2;
constexpr size_t kGroupGap = 4;
constexpr size_t kShrunkWidthMin = 8;
constexpr std::string_view kEllipsis = "...";

void trim_right(std::string* line) { line->erase(line->find_last_not_of(' ') + 1); }

void append_padded(const std::string& text, size_t width, Align align, std::string* line) {
  const std::string shown = cut(text, width);
  const std::string padding(width - shown.size(), ' ');
  *line += align == Align::kRight ? padding + shown : shown + padding;
}

}  // namespace

std::string cut(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  if (width <= kEllipsis.size()) return text.substr(0, width);
  return text.substr(0, width - kEllipsis.size()) + std::string(kEllipsis);
}

TextTable::TextTable(std::vector<Column> columns, size_t indent)
    : columns_(std::move(columns)), indent_(indent) {}

void TextTable::add_group(std::string title, size_t first, size_t count) {
  groups_.push_back({std::move(title), first, count});
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::vector<size_t> TextTable::gaps_before() const {
  std::vector<size_t> gaps(columns_.size(), kColumnGap);
  if (!gaps.empty()) gaps[0] = 0;
  for (const Group& group : groups_) {
    if (group.first > 0 && group.first < gaps.size()) gaps[group.first] = kGroupGap;
  }
  return gaps;
}

std::vector<size_t> TextTable::column_widths() const {
  std::vector<size_t> widths(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    widths[i] = columns_[i].title.size();
    for (const auto& row : rows_) widths[i] = std::max(widths[i], row[i].size());
  }
  const std::vector<size_t> gaps = gaps_before();
  for (const Group& group : groups_) {
    if (group.count == 0 || group.first + group.count > columns_.size()) continue;
    const size_t last = group.first + group.count - 1;
    size_t span = 0;
    for (size_t i = group.first; i <= last; ++i)
      span += (i > group.first ? gaps[i] : 0) + widths[i];
    if (span < group.title.size()) widths[last] += group.title.size() - span;
  }
  const size_t total = indent_ + std::accumulate(widths.begin(), widths.end(), size_t{0}) +
                       std::accumulate(gaps.begin(), gaps.end(), size_t{0});
  size_t excess = total > kLineWidthMax ? total - kLineWidthMax : 0;
  for (size_t i = 0; i < columns_.size() && excess > 0; ++i) {
    if (!columns_[i].shrinkable) continue;
    const size_t floor = std::max(columns_[i].title.size(), kShrunkWidthMin);
    const size_t shrink = widths[i] > floor ? std::min(excess, widths[i] - floor) : 0;
    widths[i] -= shrink;
    excess -= shrink;
  }
  return widths;
}

std::string TextTable::render() const {
  const std::vector<size_t> widths = column_widths();
  const std::vector<size_t> gaps = gaps_before();
  std::vector<size_t> starts(columns_.size());
  for (size_t i = 0, at = indent_; i < columns_.size(); ++i) {
    at += gaps[i];
    starts[i] = at;
    at += widths[i];
  }

  std::string out;
  if (!groups_.empty()) {
    std::string line;
    for (const Group& group : groups_) {
      if (group.count == 0 || group.first + group.count > columns_.size()) continue;
      const size_t last = group.first + group.count - 1;
      const size_t span = starts[last] + widths[last] - starts[group.first];
      line.resize(starts[group.first], ' ');
      line += cut(group.title, span);
    }
    trim_right(&line);
    out += line + '\n';
  }
  const auto append_line = [&](const std::vector<std::string>& cells) {
    std::string line(indent_, ' ');
    for (size_t i = 0; i < columns_.size(); ++i) {
      line.append(gaps[i], ' ');
      append_padded(cells[i], widths[i], columns_[i].align, &line);
    }
    trim_right(&line);
    out += line + '\n';
  };
  std::vector<std::string> titles;
  for (const Column& column : columns_) titles.push_back(column.title);
  append_line(titles);
  for (const auto& row : rows_) append_line(row);
  return out;
}

size_t TextTable::width() const {
  const std::string text = render();
  size_t widest = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    widest = std::max(widest, end - start);
    start = end + 1;
  }
  return widest;
}

std::string counted(size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

}  // namespace tearline::report
