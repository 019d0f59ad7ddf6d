#include "analysis/explain/words.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "base/iso_time.h"

namespace tearline::explain {
namespace {

constexpr int kMinutesPerHour = 60;
constexpr int kHoursPerDay = 24;
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// `line` without trailing spaces, and a newline.
std::string end_line(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  return line + '\n';
}

}  // namespace

std::string date_text(std::string_view start_iso, double t_h) {
  const std::optional<std::string> iso = iso_plus_hours(start_iso, t_h);
  // "YYYY-MM-DDTHH:MM:SS..." as iso_plus_hours writes it.
  constexpr size_t kMinuteEnd = 16;
  if (!iso || iso->size() < kMinuteEnd) return fmt::format("hour {:.1f}", t_h);
  const int month = std::stoi(iso->substr(5, 2));
  const int day = std::stoi(iso->substr(8, 2));
  if (month < 1 || month > 12) return fmt::format("hour {:.1f}", t_h);
  return fmt::format("{} {} {} {}", day, kMonths[size_t(month - 1)], iso->substr(0, 4),
                     iso->substr(11, 5));
}

std::string duration_text(double hours) {
  if (hours < 1) {
    const long long minutes = std::llround(hours * kMinutesPerHour);
    return count_text(size_t(std::max(minutes, 0LL)), "minute", "minutes");
  }
  const long long whole_h = std::llround(hours);
  if (whole_h < kHoursPerDay) return count_text(size_t(whole_h), "hour", "hours");
  const std::string days = count_text(size_t(whole_h / kHoursPerDay), "day", "days");
  if (whole_h % kHoursPerDay == 0) return days;
  return days + " " + count_text(size_t(whole_h % kHoursPerDay), "hour", "hours");
}

std::string count_text(size_t count, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

std::string list_text(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += i + 1 == items.size() ? " and " : ", ";
    text += items[i];
  }
  return text;
}

std::string trust_text(double trust) { return fmt::format("{:g}", trust); }

std::string wrap(std::string_view text, std::string_view first, std::string_view rest,
                 size_t width) {
  std::string out;
  std::string line(first);
  bool line_has_word = false;
  size_t at = 0;
  while (at < text.size()) {
    const size_t space = text.find(' ', at);
    const size_t end = space == std::string_view::npos ? text.size() : space;
    const std::string_view word = text.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (line_has_word && line.size() + 1 + word.size() > width) {
      out += end_line(line);
      line = std::string(rest);
      line_has_word = false;
    }
    if (line_has_word) line += ' ';
    line += word;
    line_has_word = true;
  }
  out += end_line(line);
  return out;
}

std::string caveat_text(std::string_view reason) {
  if (reason == "withheld:tlp-red") return "TLP RED, which is never shared";
  if (reason == "withheld:tlp-amber-strict") {
    return "TLP AMBER+STRICT, which goes no further than its originating agency's country";
  }
  if (reason == "withheld:tlp-amber") {
    return "TLP AMBER, which goes only to those who need to know";
  }
  return "";
}

}  // namespace tearline::explain
