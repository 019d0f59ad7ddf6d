// Plain words for the report's facts: dates, durations, counts and lists.
// Internal to tearline_explain (why.cc and the text report share them).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tearline::explain {

// "6 May 2017 23:15": the run's start (RunInfo.start_iso) plus t_h hours,
// to the minute; "hour 1271.3" when the run has no start date.
std::string date_text(std::string_view start_iso, double t_h);

// "15 days 22 hours", "1 day", "5 hours", "40 minutes": to the hour from a
// day up, to the minute below an hour.
std::string duration_text(double hours);

// "1 copy", "3 copies".
std::string count_text(size_t count, std::string_view singular, std::string_view plural);

// "a", "a and b", "a, b and c"; "" for none.
std::string list_text(const std::vector<std::string>& items);

// "0.7", "0.95": a trust or threshold as the scenario writes it.
std::string trust_text(double trust);

// What a handling caveat's refusal ("withheld:tlp-red", "-amber-strict",
// "-amber") means: "TLP RED, which is never shared"; "" for any other reason.
std::string caveat_text(std::string_view reason);

// `text` broken into lines of at most `width` characters at spaces (a word
// longer than a line stays whole), the first line prefixed by `first`, the
// others by `rest`; every line ends in '\n'.
std::string wrap(std::string_view text, std::string_view first, std::string_view rest,
                 size_t width);

}  // namespace tearline::explain
