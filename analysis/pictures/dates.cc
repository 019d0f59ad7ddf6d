#include "analysis/pictures/dates.h"

#include <fmt/format.h>

#include <cmath>

#include "base/iso_time.h"

namespace tearline::pictures {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr long long kMinutesPerDay = 1440;

// The day of a minute since 1970-01-01, rounding down before it.
long long day_of_minute(long long minute) {
  return minute >= 0 ? minute / kMinutesPerDay : (minute - (kMinutesPerDay - 1)) / kMinutesPerDay;
}

}  // namespace

Dates::Dates(std::string_view start_iso) {
  const std::optional<IsoTime> start = parse_iso(start_iso);
  // Seconds dropped (the axis speaks minutes), the zone kept.
  if (start) start_minute_ = (start->local_s - (start->local_s % 60 + 60) % 60) / 60;
}

std::string Dates::day(double t_h) const {
  if (!known()) return fmt::format("h {:.0f}", t_h);
  const long long minute = *start_minute_ + std::llround(t_h * 60);
  const CivilDate date = civil_of_days(day_of_minute(minute));
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
  const long long days = day_of_minute(minute);
  // 1970-01-01 was a Thursday (3 with Monday 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

}  // namespace tearline::pictures
