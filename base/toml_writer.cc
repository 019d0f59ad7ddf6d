#include "base/toml_writer.h"

#include <cctype>
#include <charconv>
#include <sstream>

namespace tearline {
namespace {

constexpr std::string_view kBeforeValue = " =[,{\n";  // What may precede a number.
constexpr std::string_view kAfterValue = " ,]}\n";    // What may follow one.

// The end of the string that opens at `at` (a quote), past its closing quote.
size_t string_end(std::string_view text, size_t at) {
  const char quote = text[at];
  const std::string_view delimiter =
      text.substr(at, 3) == std::string(3, quote) ? text.substr(at, 3) : text.substr(at, 1);
  size_t end = at + delimiter.size();
  while (end < text.size() && text.substr(end, delimiter.size()) != delimiter) {
    end += quote == '"' && text[end] == '\\' ? 2 : 1;  // A literal string has no escapes.
  }
  return std::min(text.size(), end + delimiter.size());
}

// A float's shortest text, or the token as it is when it is not a float.
std::string shortest(std::string_view token) {
  if (token.find_first_of(".eE") == std::string_view::npos)
    return std::string(token);  // An integer.
  double value = 0;
  const char* first = token.data() + (token.front() == '+' ? 1 : 0);
  const auto [end, error] = std::from_chars(first, token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size()) return std::string(token);
  char buffer[32];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, written.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";  // Still a float: 2.0.
  return text;
}

}  // namespace

std::string shortest_floats(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"' || c == '\'') {
      const size_t end = string_end(text, at);
      out.append(text.substr(at, end - at));
      at = end;
      continue;
    }
    const bool starts_value = at == 0 || kBeforeValue.find(text[at - 1]) != std::string_view::npos;
    if (starts_value && (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+')) {
      size_t end = at;
      while (end < text.size() &&
             std::string_view("0123456789.eE+-").find(text[end]) != std::string_view::npos) {
        ++end;
      }
      const std::string_view token = text.substr(at, end - at);
      // A date (2017-05-05T...) or a time goes on past the token: left alone.
      const bool whole =
          end == text.size() || kAfterValue.find(text[end]) != std::string_view::npos;
      out += whole ? shortest(token) : std::string(token);
      at = end;
      continue;
    }
    out += c;
    ++at;
  }
  return out;
}

std::string toml_text(const toml::table& table) {
  std::ostringstream out;
  out << table << "\n";
  return shortest_floats(out.str());
}

}  // namespace tearline
