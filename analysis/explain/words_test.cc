#include "analysis/explain/words.h"

#include <gtest/gtest.h>

namespace tearline::explain {
namespace {

TEST(WordsTest, DatesFromTheRunsStartOrHoursWithout) {
  EXPECT_EQ(date_text("2017-03-15T00:00:00Z", 1271.252361), "6 May 2017 23:15");
  EXPECT_EQ(date_text("2017-03-15T00:00:00Z", 0), "15 March 2017 00:00");
  EXPECT_EQ(date_text("", 1271.26), "hour 1271.3");
  EXPECT_EQ(date_text("not a date", 2), "hour 2.0");
}

TEST(WordsTest, DurationsCountTheirUnitsRight) {
  EXPECT_EQ(duration_text(382.2643), "15 days 22 hours");
  EXPECT_EQ(duration_text(48), "2 days");
  EXPECT_EQ(duration_text(25), "1 day 1 hour");
  EXPECT_EQ(duration_text(5.2), "5 hours");
  EXPECT_EQ(duration_text(1), "1 hour");
  EXPECT_EQ(duration_text(0.5), "30 minutes");
  EXPECT_EQ(duration_text(1.0 / 60), "1 minute");
}

TEST(WordsTest, CountsAndLists) {
  EXPECT_EQ(count_text(1, "copy", "copies"), "1 copy");
  EXPECT_EQ(count_text(3, "copy", "copies"), "3 copies");
  EXPECT_EQ(count_text(0, "copy", "copies"), "0 copies");
  EXPECT_EQ(list_text({}), "");
  EXPECT_EQ(list_text({"a"}), "a");
  EXPECT_EQ(list_text({"a", "b"}), "a and b");
  EXPECT_EQ(list_text({"a", "b", "c"}), "a, b and c");
  EXPECT_EQ(trust_text(0.7), "0.7");
  EXPECT_EQ(trust_text(0.95), "0.95");
}

TEST(WordsTest, WrapsAtSpacesWithinTheWidth) {
  EXPECT_EQ(wrap("one two three four", "- ", "  ", 9), "- one two\n  three\n  four\n");
  EXPECT_EQ(wrap("unbreakable-word", "- ", "  ", 5), "- unbreakable-word\n");
  EXPECT_EQ(wrap("", "- ", "  ", 5), "-\n");
}

}  // namespace
}  // namespace tearline::explain
