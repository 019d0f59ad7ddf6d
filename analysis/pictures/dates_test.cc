#include "analysis/pictures/dates.h"

#include <gtest/gtest.h>

namespace tearline::pictures {
namespace {

TEST(Dates, ScenarioHoursReadAsDates) {
  const Dates dates("2017-03-15T00:00:00Z");
  ASSERT_TRUE(dates.known());
  // manchester-2017's attack: hour 1653.5167 is 22 May 2017 21:31.
  EXPECT_EQ(dates.minute(1653.5166666666667), "22 May 21:31");
  EXPECT_EQ(dates.day(1653.5166666666667), "22 May");
  EXPECT_EQ(dates.day(0), "15 Mar");
  EXPECT_EQ(dates.minute(1896), "2 Jun 00:00");
  EXPECT_DOUBLE_EQ(dates.to_midnight_h(0), 0);
  EXPECT_NEAR(dates.to_midnight_h(1653.5), 2.5, 1e-9);
  EXPECT_EQ(dates.weekday(0), 2);  // 15 March 2017 was a Wednesday.
}

TEST(Dates, AStartWithAnHourShiftsTheDay) {
  const Dates dates("2016-02-28T22:30");
  EXPECT_EQ(dates.minute(2), "29 Feb 00:30");
  EXPECT_NEAR(dates.to_midnight_h(0), 1.5, 1e-9);
}

TEST(Dates, WithoutAStartTheyFallBackToHours) {
  for (const char* start : {"", "yesterday", "2017-13-01T00:00", "2017-03-15"}) {
    const Dates dates(start);
    EXPECT_FALSE(dates.known()) << start;
    EXPECT_EQ(dates.minute(12.3), "12.3 h") << start;
    EXPECT_EQ(dates.day(36), "h 36") << start;
  }
}

}  // namespace
}  // namespace tearline::pictures
