#include "base/iso_time.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "base/invariant.h"

namespace tearline {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNsPerSecond = 1'000'000'000;

// Reads exactly `digits` decimal digits at *at into *value.
bool read_digits(std::string_view text, size_t* at, size_t digits, int64_t* value) {
  if (*at + digits > text.size()) return false;
  *value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[*at + i];
    if (c < '0' || c > '9') return false;
    *value = *value * 10 + (c - '0');
  }
  *at += digits;
  return true;
}

bool read_char(std::string_view text, size_t* at, char c) {
  if (*at >= text.size() || text[*at] != c) return false;
  ++*at;
  return true;
}

std::chrono::year_month_day ymd_of(const CivilDate& date) {
  return {std::chrono::year{static_cast<int>(date.year)}, std::chrono::month{date.month},
          std::chrono::day{date.day}};
}

// Floor division: the day of a negative second is the one before.
int64_t floor_div(int64_t value, int64_t divisor) {
  return value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

}  // namespace

std::optional<IsoTime> parse_iso(std::string_view text) {
  size_t at = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, &at, 4, &year) || !read_char(text, &at, '-') ||
      !read_digits(text, &at, 2, &month) || !read_char(text, &at, '-') ||
      !read_digits(text, &at, 2, &day) || !read_char(text, &at, 'T') ||
      !read_digits(text, &at, 2, &hour) || !read_char(text, &at, ':') ||
      !read_digits(text, &at, 2, &minute)) {
    return std::nullopt;
  }
  IsoTime time;
  if (read_char(text, &at, ':')) {
    if (!read_digits(text, &at, 2, &second)) return std::nullopt;
    if (read_char(text, &at, '.')) {
      const size_t first = at;
      for (int64_t scale = kNsPerSecond / 10;
           at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10) {
        time.fraction_ns += (text[at] - '0') * scale;
      }
      if (at == first) return std::nullopt;
    }
  }
  const size_t zone_at = at;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int64_t sign = text[at] == '+' ? 1 : -1;
    ++at;
    int64_t offset_h = 0, offset_min = 0;
    if (!read_digits(text, &at, 2, &offset_h) || !read_char(text, &at, ':') ||
        !read_digits(text, &at, 2, &offset_min) || offset_h > 23 || offset_min > 59) {
      return std::nullopt;
    }
    time.offset_s = sign * (offset_h * 3600 + offset_min * 60);
  } else {
    read_char(text, &at, 'Z');
  }
  if (at != text.size()) return std::nullopt;
  time.zone = std::string(text.substr(zone_at));
  const CivilDate date{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
  if (month < 1 || month > 12 || !ymd_of(date).ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  time.local_s = days_of_civil(date) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  return time;
}

std::string format_iso(int64_t local_s, std::string_view zone) {
  const int64_t days = floor_div(local_s, kSecondsPerDay);
  const int64_t in_day_s = local_s - days * kSecondsPerDay;
  TEARLINE_ASSERT(in_day_s >= 0 && in_day_s < kSecondsPerDay);
  const CivilDate date = civil_of_days(days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", date.year, date.month, date.day,
                     in_day_s / 3600, in_day_s / 60 % 60, in_day_s % 60, zone);
}

std::optional<std::string> iso_plus_hours(std::string_view start_iso, double t_h) {
  if (!std::isfinite(t_h)) return std::nullopt;
  const std::optional<IsoTime> start = parse_iso(start_iso);
  if (!start) return std::nullopt;
  return format_iso(start->local_s + std::llround(t_h * 3600.0), start->zone);
}

CivilDate civil_of_days(int64_t days) {
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  return {int{date.year()}, unsigned{date.month()}, unsigned{date.day()}};
}

int64_t days_of_civil(const CivilDate& date) {
  const std::chrono::year_month_day ymd = ymd_of(date);
  TEARLINE_ASSERT(ymd.ok());
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

}  // namespace tearline
