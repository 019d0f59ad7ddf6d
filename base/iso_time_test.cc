#include "base/iso_time.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tearline {
namespace {

TEST(IsoPlusHours, AddsScenarioHoursKeepingTheZoneSuffix) {
  EXPECT_EQ(iso_plus_hours("2017-05-01T00:00:00Z", 24.5), "2017-05-02T00:30:00Z");
  EXPECT_EQ(iso_plus_hours("2017-12-31T23:00Z", 2), "2018-01-01T01:00:00Z");
  EXPECT_EQ(iso_plus_hours("2016-02-28T12:00:00+01:00", 24), "2016-02-29T12:00:00+01:00");
  EXPECT_EQ(iso_plus_hours("2017-05-22T22:31:00", 0.25 / 3600), "2017-05-22T22:31:00");
  EXPECT_EQ(iso_plus_hours("2017-05-22T22:31:00.500Z", -1), "2017-05-22T21:31:00Z");
}

TEST(IsoPlusHours, RejectsWhatIsNotADateTime) {
  EXPECT_EQ(iso_plus_hours("", 1), std::nullopt);
  EXPECT_EQ(iso_plus_hours("22 May 2017", 1), std::nullopt);
  EXPECT_EQ(iso_plus_hours("2017-02-30T00:00:00Z", 1), std::nullopt);
  EXPECT_EQ(iso_plus_hours("2017-05-01T00:00:00Z", std::nan("")), std::nullopt);
}

TEST(ParseIso, ReadsTheDateTimeItsFractionAndZone) {
  const auto time = parse_iso("2017-03-15T01:00:00.25+01:00");
  ASSERT_TRUE(time);
  EXPECT_EQ(time->local_s, 1489539600);
  EXPECT_EQ(time->unix_s(), 1489536000);
  EXPECT_EQ(time->fraction_ns, 250'000'000);
  EXPECT_EQ(time->zone, "+01:00");
  EXPECT_EQ(parse_iso("2017-03-15T00:00")->unix_s(), 1489536000);  // No zone: UTC.
  for (const char* bad :
       {"2017-03-15", "2017-13-01T00:00Z", "2017-03-15T24:00Z", "2017-03-15T00:00:00.Z",
        "2017-03-15T00:00Zjunk", "2017-03-15T00:00+1:00"}) {
    EXPECT_FALSE(parse_iso(bad)) << bad;
  }
}

TEST(FormatIso, WritesSecondsOfAnyDayWithTheZoneGiven) {
  EXPECT_EQ(format_iso(1489536000, "Z"), "2017-03-15T00:00:00Z");
  EXPECT_EQ(format_iso(-1, ""), "1969-12-31T23:59:59");
  EXPECT_EQ(format_iso(0, "+01:00"), "1970-01-01T00:00:00+01:00");
}

TEST(CivilDate, DaysAndDatesAreInverse) {
  for (int64_t days = -800'000; days <= 800'000; days += 997) {
    EXPECT_EQ(days_of_civil(civil_of_days(days)), days);
  }
  const CivilDate leap = civil_of_days(days_of_civil({2016, 2, 28}) + 1);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
}

}  // namespace
}  // namespace tearline
