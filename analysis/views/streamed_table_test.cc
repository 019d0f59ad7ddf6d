// A table streamed a chunk at a time renders as the whole TextTable does.
#include "analysis/views/streamed_table.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace tearline::trace_views {
namespace {

using report::Align;
using report::Column;

TEST(StreamedTable, RendersAsTheWholeTable) {
  const std::vector<Column> columns = {
      {"hour", Align::kRight}, {"message"}, {"reason", Align::kLeft, true}};
  constexpr size_t kRows = 2500;  // Over two chunks.
  report::TextTable whole(columns, 2);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> widest(columns.size());
  for (size_t i = 0; i < kRows; ++i) {
    // Widths vary; one reason is too long for a line and is cut.
    std::vector<std::string> row = {fmt::format("{:.2f}h", static_cast<double>(i) * 0.37),
                                    fmt::format("msg-{}", i * i),
                                    std::string(i == 1700 ? 150 : i % 13, 'r')};
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c].size() > widest[c].size()) widest[c] = row[c];
    }
    whole.add_row(row);
    rows.push_back(std::move(row));
  }
  std::string streamed;
  size_t writes = 0;
  StreamedTable table(columns, 2, widest, [&](const std::string& text) {
    streamed += text;
    ++writes;
  });
  for (auto& row : rows) table.add_row(std::move(row));
  table.finish();
  EXPECT_EQ(streamed, whole.render());
  EXPECT_GT(writes, 3u);  // Titles, then three chunks.
}

TEST(StreamedTable, WithoutRowsWritesTheTitles) {
  std::string streamed;
  StreamedTable table({{"kind"}, {"events", Align::kRight}}, 2, {"", ""},
                      [&](const std::string& text) { streamed += text; });
  table.finish();
  EXPECT_EQ(streamed, report::TextTable({{"kind"}, {"events", Align::kRight}}, 2).render());
}

}  // namespace
}  // namespace tearline::trace_views
