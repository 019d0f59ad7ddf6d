#include "analysis/exports/otlp_time.h"

#include <gtest/gtest.h>

namespace tearline::trace_exports {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;

TEST(OtlpTime, IsoDateTimesAsUnixNanoseconds) {
  EXPECT_EQ(unix_ns_of_iso("1970-01-01T00:00Z"), 0);
  EXPECT_EQ(unix_ns_of_iso("2017-03-15T00:00:00Z"), 1489536000 * kNsPerSecond);
  EXPECT_EQ(unix_ns_of_iso("2017-03-15T00:00:00"), 1489536000 * kNsPerSecond);  // UTC.
  EXPECT_EQ(unix_ns_of_iso("2017-03-15T01:00:00+01:00"), 1489536000 * kNsPerSecond);
  EXPECT_EQ(unix_ns_of_iso("2017-03-14T23:30:00-00:30"), 1489536000 * kNsPerSecond);
  EXPECT_EQ(unix_ns_of_iso("2020-02-29T12:00:00.25Z"),
            1582977600 * kNsPerSecond + 250'000'000);  // A leap day.
}

TEST(OtlpTime, MalformedOrOutOfRangeIsNullopt) {
  for (const char* bad : {"", "2017-03-15", "2017-13-01T00:00Z", "2017-03-15T24:00Z",
                          "2017-03-15T00:00:00.Z", "2017-03-15T00:00Zjunk", "1969-12-31T23:59Z",
                          "2017-03-15T00:00+1:00", "9999-01-01T00:00Z"}) {
    EXPECT_FALSE(unix_ns_of_iso(bad)) << bad;
  }
}

TEST(OtlpTime, HoursAfterTheStartNeverBelowZero) {
  const int64_t start = 1489536000 * kNsPerSecond;
  EXPECT_EQ(unix_ns_at(start, 1.5), start + 5400 * kNsPerSecond);
  EXPECT_EQ(unix_ns_at(start, 0.000001), start + 3'600'000);  // Exact to the nanosecond.
  EXPECT_EQ(unix_ns_at(0, -24.875), 0);
}

}  // namespace
}  // namespace tearline::trace_exports
