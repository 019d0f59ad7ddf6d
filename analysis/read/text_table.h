// Plain-text tables for the human report. Internal to tearline_report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tearline::report {

// Longest line the human report prints.
inline constexpr size_t kLineWidthMax = 120;

enum class Align { kLeft, kRight };

struct Column {
  std::string title;
  Align align = Align::kLeft;
  // A text column that may be cut (ending in "...") to keep lines within
  // kLineWidthMax; numbers are never cut.
  bool shrinkable = false;
};

// Columns as wide as their widest cell, two spaces apart; groups (e.g. one
// per mode) are titled on a line above and set further apart.
class TextTable {
 public:
  explicit TextTable(std::vector<Column> columns, size_t indent = 0);

  // Titles `count` columns from `first`; the last of them widens if the
  // title needs it.
  void add_group(std::string title, size_t first, size_t count);
  // Missing trailing cells are blank; extra cells are ignored.
  void add_row(std::vector<std::string> cells);

  // Every line ends in '\n', without trailing spaces.
  std::string render() const;
  // The length of the longest line render() gives.
  size_t width() const;

 private:
  struct Group {
    std::string title;
    size_t first = 0;
    size_t count = 0;
  };

  std::vector<size_t> column_widths() const;
  std::vector<size_t> gaps_before() const;

  std::vector<Column> columns_;
  size_t indent_;
  std::vector<Group> groups_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` cut to `width` characters, ending in "..." if it was cut.
std::string cut(const std::string& text, size_t width);

// "1 message", "3 messages": `noun` with an "s" unless count is 1.
std::string counted(size_t count, std::string_view noun);

}  // namespace tearline::report
