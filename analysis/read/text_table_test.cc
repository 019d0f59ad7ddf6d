#include "analysis/read/text_table.h"

#include <gtest/gtest.h>

namespace tearline::report {
namespace {

TEST(TextTable, AlignsColumnsUnderGroupTitles) {
  TextTable table(
      {{"plot"}, {"averted"}, {"lead", Align::kRight}, {"averted"}, {"lead", Align::kRight}});
  table.add_group("bilateral", 1, 2);
  table.add_group("coordinated", 3, 2);
  table.add_row({"arena", "NO", "-", "yes", "2d 4.0h"});
  EXPECT_EQ(table.render(),
            "         bilateral        coordinated\n"
            "plot     averted  lead    averted     lead\n"
            "arena    NO          -    yes      2d 4.0h\n");
}

TEST(TextTable, CutsShrinkableColumnsToKeepLinesWithinTheLimit) {
  const std::string long_name(150, 'x');
  TextTable table({{"name", Align::kLeft, true}, {"count", Align::kRight}}, 2);
  table.add_row({long_name, "123456"});
  EXPECT_EQ(table.width(), kLineWidthMax);
  const std::string text = table.render();
  EXPECT_NE(text.find("xxx...  123456\n"), std::string::npos) << text;
}

TEST(Counted, PluralUnlessOne) {
  EXPECT_EQ(counted(0, "message"), "0 messages");
  EXPECT_EQ(counted(1, "message"), "1 message");
  EXPECT_EQ(counted(2, "message"), "2 messages");
}

TEST(Cut, EndsInAnEllipsisOnlyWhenCut) {
  EXPECT_EQ(cut("abcdef", 6), "abcdef");
  EXPECT_EQ(cut("abcdefg", 6), "abc...");
  EXPECT_EQ(cut("abcdefg", 2), "ab");
}

}  // namespace
}  // namespace tearline::report
