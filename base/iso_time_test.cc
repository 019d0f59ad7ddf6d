#include "base/iso_time.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tearline::report {
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

}  // namespace
}  // namespace tearline::report
