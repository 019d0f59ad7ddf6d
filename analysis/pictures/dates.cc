#include "analysis/pictures/dates.h"

#include <fmt/format.h>

#include <cmath>

namespace tearline::pictures {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

struct Civil {
  long long year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<long long>(yoe) + era * 400 + (m <= 2), m, d};
}

// The digits of text[at, at + n) as a number, or -1.
int digits(std::string_view text, size_t at, size_t n) {
  if (text.size() < at + n) return -1;
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

Dates::Dates(std::string_view start_iso) {
  const int year = digits(start_iso, 0, 4);
  const int month = digits(start_iso, 5, 2);
  const int day = digits(start_iso, 8, 2);
  const int hour = digits(start_iso, 11, 2);
  const int minute = digits(start_iso, 14, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || start_iso[4] != '-' || start_iso[7] != '-') {
    return;
  }
  start_minute_ =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 1440 +
      hour * 60 + minute;
}

std::string Dates::day(double t_h) const {
  if (!known()) return fmt::format("h {:.0f}", t_h);
  const long long minute = *start_minute_ + std::llround(t_h * 60);
  const long long days = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
  const Civil date = civil_from_days(days);
  return fmt::format("{} {}", date.day, kMonths[date.month - 1]);
}

std::string Dates::minute(double t_h) const {
  if (!known()) return fmt::format("{:.1f} h", t_h);
  const long long minute = *start_minute_ + std::llround(t_h * 60);
  const long long in_day = ((minute % 1440) + 1440) % 1440;
  return fmt::format("{} {:02}:{:02}", day(t_h), in_day / 60, in_day % 60);
}

double Dates::to_midnight_h(double t_h) const {
  if (!known()) return 0;
  const double minute = static_cast<double>(*start_minute_) + t_h * 60;
  const double past = std::fmod(std::fmod(minute, 1440) + 1440, 1440);
  return past == 0 ? 0 : (1440 - past) / 60;
}

int Dates::weekday(double t_h) const {
  if (!known()) return 0;
  const long long minute = *start_minute_ + std::llround(t_h * 60);
  const long long days = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
  // 1970-01-01 was a Thursday (3 with Monday 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

}  // namespace tearline::pictures
