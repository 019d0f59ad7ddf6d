// Date-times of ISO 8601 as the project writes and reads them (a run's
// start_iso, the report's *_at fields), and the calendar under them: the
// one parser and the one formatter, which the scenario reader, the
// launcher's progress line, the report, the views, the pictures and the OTLP
// export call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tearline {

// "YYYY-MM-DDTHH:MM[:SS[.f...]]" then "Z", "+HH:MM", "-HH:MM" or nothing.
struct IsoTime {
  // Seconds since 1970-01-01T00:00 of the date and time as written (in the
  // time's own zone: the offset is not applied).
  int64_t local_s = 0;
  int64_t fraction_ns = 0;  // The decimals of the seconds.
  int64_t offset_s = 0;     // The zone's offset east of UTC; 0 for "Z" or none.
  std::string zone;         // The suffix as written: "Z", "+01:00" or "".

  int64_t unix_s() const { return local_s - offset_s; }
};

// Nullopt if `text` is not such a date-time of a real day (2017-02-30 is
// not), or a field is out of range.
std::optional<IsoTime> parse_iso(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS" of `local_s` (seconds since 1970-01-01T00:00), then
// `zone` ("Z", "+01:00", "").
std::string format_iso(int64_t local_s, std::string_view zone);

// start_iso plus t_h hours, rounded to the second, as format_iso() writes it
// with start_iso's zone. Nullopt if start_iso does not parse or t_h is not
// finite.
std::optional<std::string> iso_plus_hours(std::string_view start_iso, double t_h);

// A day of the proleptic Gregorian calendar.
struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1 to 12.
  unsigned day = 1;    // 1 to 31.
};

// The date `days` days after 1970-01-01 (before it, if negative).
CivilDate civil_of_days(int64_t days);

// Days from 1970-01-01 to `date`, which must be a real day.
int64_t days_of_civil(const CivilDate& date);

}  // namespace tearline
