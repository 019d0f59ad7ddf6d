#include "analysis/exports/otlp_time.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace tearline::trace_exports {

namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr double kNsPerHour = 3600.0 * 1e9;

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads exactly `digits` decimal digits at *pos.
bool read_number(std::string_view text, size_t* pos, size_t digits, int64_t* value) {
  if (*pos + digits > text.size()) return false;
  *value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    *value = *value * 10 + (c - '0');
  }
  *pos += digits;
  return true;
}

bool expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::optional<int64_t> unix_ns_of_iso(std::string_view iso) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, nanos = 0;
  if (!read_number(iso, &pos, 4, &year) || !expect(iso, &pos, '-') ||
      !read_number(iso, &pos, 2, &month) || !expect(iso, &pos, '-') ||
      !read_number(iso, &pos, 2, &day) || !expect(iso, &pos, 'T') ||
      !read_number(iso, &pos, 2, &hour) || !expect(iso, &pos, ':') ||
      !read_number(iso, &pos, 2, &minute)) {
    return std::nullopt;
  }
  if (pos < iso.size() && iso[pos] == ':') {
    ++pos;
    if (!read_number(iso, &pos, 2, &second)) return std::nullopt;
    if (pos < iso.size() && iso[pos] == '.') {
      ++pos;
      int64_t scale = kNsPerSecond / 10;
      const size_t digits_start = pos;
      for (; pos < iso.size() && std::isdigit(static_cast<unsigned char>(iso[pos])); ++pos) {
        nanos += (iso[pos] - '0') * scale;
        scale /= 10;
      }
      if (pos == digits_start) return std::nullopt;
    }
  }
  int64_t offset_s = 0;
  if (pos < iso.size() && iso[pos] == 'Z') {
    ++pos;
  } else if (pos < iso.size() && (iso[pos] == '+' || iso[pos] == '-')) {
    const int64_t sign = iso[pos] == '+' ? 1 : -1;
    ++pos;
    int64_t offset_h = 0, offset_min = 0;
    if (!read_number(iso, &pos, 2, &offset_h) || !expect(iso, &pos, ':') ||
        !read_number(iso, &pos, 2, &offset_min) || offset_h > 23 || offset_min > 59) {
      return std::nullopt;
    }
    offset_s = sign * (offset_h * 3600 + offset_min * 60);
  }
  if (pos != iso.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  const int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  // 2262-04-11 is where int64 nanoseconds end.
  if (seconds < 0 || seconds >= std::numeric_limits<int64_t>::max() / kNsPerSecond - 1) {
    return std::nullopt;
  }
  return seconds * kNsPerSecond + nanos;
}

int64_t unix_ns_at(int64_t start_unix_ns, double t_h) {
  const double ns = static_cast<double>(start_unix_ns) + std::round(t_h * kNsPerHour);
  if (!(ns > 0)) return 0;
  if (ns >= 9.2e18) return std::numeric_limits<int64_t>::max();
  // Integer addition keeps the start's precision: a double holds unix
  // nanoseconds only to about 256 ns.
  return start_unix_ns + std::llround(t_h * kNsPerHour);
}

}  // namespace tearline::trace_exports
