#include "base/iso_time.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <regex>

namespace tearline::report {

std::optional<std::string> iso_plus_hours(std::string_view start_iso, double t_h) {
  static const std::regex kIso(
      R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)");
  std::cmatch match;
  if (!std::isfinite(t_h) ||
      !std::regex_match(start_iso.data(), start_iso.data() + start_iso.size(), match, kIso)) {
    return std::nullopt;
  }
  const auto number = [&match](size_t group) {
    return match[group].matched ? std::stoi(match[group].str()) : 0;
  };
  using namespace std::chrono;
  const year_month_day date{year{number(1)}, month{unsigned(number(2))}, day{unsigned(number(3))}};
  if (!date.ok() || number(4) > 23 || number(5) > 59 || number(6) > 60) return std::nullopt;

  const auto start = sys_days{date} + hours{number(4)} + minutes{number(5)} + seconds{number(6)};
  const auto at = start + seconds{std::llround(t_h * 3600.0)};
  const auto at_day = floor<days>(at);
  const year_month_day at_date{at_day};
  const hh_mm_ss time{at - at_day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", int(at_date.year()),
                     unsigned(at_date.month()), unsigned(at_date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), match[7].str());
}

}  // namespace tearline::report
