#include "base/toml_reader.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/invariant.h"

namespace tearline {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Seconds since the Unix epoch of a TOML date-time or date; a date-time
// without offset, and a date (midnight), are taken as UTC.
std::optional<double> unix_seconds(const toml::node& node) {
  toml::date date;
  toml::time time{};
  int offset_minutes = 0;
  if (const auto* date_time = node.as_date_time()) {
    date = date_time->get().date;
    time = date_time->get().time;
    if (date_time->get().offset) offset_minutes = date_time->get().offset->minutes;
  } else if (const auto* date_only = node.as_date()) {
    date = date_only->get();
  } else {
    return std::nullopt;
  }
  const std::chrono::sys_days day =
      std::chrono::year{date.year} / std::chrono::month{date.month} / std::chrono::day{date.day};
  const int64_t seconds = int64_t{day.time_since_epoch().count()} * kSecondsPerDay +
                          time.hour * 3600 + time.minute * 60 + time.second - offset_minutes * 60;
  return static_cast<double>(seconds) + time.nanosecond * 1e-9;
}

}  // namespace

toml::table parse_toml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& parse_error) {
    const toml::source_position& at = parse_error.source().begin;
    throw TomlError(file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                    std::string(parse_error.description()));
  }
}

toml::table read_toml_file(const std::string& path, std::string_view what) {
  const std::string cannot = path + ": cannot read " + std::string(what) + ": ";
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw TomlError(cannot +
                    (std::filesystem::exists(path, error) ? "not a regular file" : "no such file"));
  }
  // Read whole before it is parsed: a file beyond any scenario's size is
  // refused before it is (a generated scenario of 4,000 nodes is 2.5 MB).
  const uintmax_t bytes = std::filesystem::file_size(path, error);
  if (error || bytes > kTomlFileBytesMax) {
    throw TomlError(cannot +
                    (error ? error.message()
                           : "larger than " + std::to_string(kTomlFileBytesMax >> 20) + " MiB"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(bytes), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in)
    throw TomlError(cannot + (in.bad() ? std::strerror(errno) : "it changed as it was read"));
  return parse_toml(text, path);
}

std::string in_quotes(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '"';
  quoted += text;
  quoted += '"';
  return quoted;
}

std::string show_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view label) {
  const std::string* nearest = nullptr;
  size_t nearest_distance = 0;
  for (const std::string& candidate : candidates) {
    const size_t distance = edit_distance(word, candidate);
    const bool near = distance <= std::max<size_t>(1, word.size() / 4) ||
                      (word.size() >= 3 && candidate.starts_with(word));
    if (near && (nearest == nullptr || distance < nearest_distance)) {
      nearest = &candidate;
      nearest_distance = distance;
    }
  }
  if (nearest != nullptr) return " (did you mean " + in_quotes(*nearest) + "?)";
  if (candidates.empty()) return "";
  std::string text = " (" + std::string(label) + ": ";
  for (size_t i = 0; i < candidates.size(); ++i) text += (i == 0 ? "" : ", ") + candidates[i];
  return text + ")";
}

std::string_view toml_type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown type";
}

void fail_at(const std::string& file, const TomlPlace& place, std::string_view message) {
  // A value keeps the file it was read from (an overlay's base:
  // scenario/scenario_overlay.h); `file` names the others.
  const bool own_file = place.region.path != nullptr && !place.region.path->empty();
  std::string text = own_file ? *place.region.path : file;
  if (place.region.begin.line > 0) text += ":" + std::to_string(place.region.begin.line);
  text += ": ";
  if (!place.key.empty()) text += place.key + ": ";
  text += message;
  throw TomlError(text);
}

TomlTable::TomlTable(std::string file, const toml::table& table, std::string path,
                     std::initializer_list<std::string_view> known)
    : TomlTable(std::move(file), table, std::move(path),
                std::vector<std::string_view>(known.begin(), known.end())) {}

TomlTable TomlTable::of_names(std::string file, const toml::table& table, std::string path) {
  return TomlTable(std::move(file), table, std::move(path), std::nullopt);
}

TomlTable::TomlTable(std::string file, const toml::table& table, std::string path,
                     std::optional<std::vector<std::string_view>> known)
    : file_(std::move(file)), table_(&table), path_(std::move(path)), known_(std::move(known)) {
  if (!known_) return;
  for (auto&& [key, node] : *table_) {
    if (std::find(known_->begin(), known_->end(), key.str()) != known_->end()) continue;
    const std::vector<std::string> known_names(known_->begin(), known_->end());
    fail_at(
        file_, {key_path(key.str()), key.source()},
        "unknown key " + in_quotes(key.str()) + did_you_mean(key.str(), known_names, "known keys"));
  }
}

std::string TomlTable::key_path(std::string_view key) const {
  const std::string step = known_ ? std::string(key) : in_quotes(key);
  return path_.empty() ? step : path_ + "." + step;
}

std::vector<std::string> TomlTable::keys() const {
  std::vector<std::string> keys;
  for (auto&& [key, node] : *table_) keys.emplace_back(key.str());
  return keys;
}

TomlPlace TomlTable::where(std::string_view key) const {
  const toml::node* node = get(key);
  return {key_path(key), node != nullptr ? node->source() : table_->source()};
}

void TomlTable::fail(std::string_view key, std::string_view message) const {
  fail_at(file_, where(key), message);
}

void TomlTable::fail_missing(std::string_view key) const { fail(key, "required key is missing"); }

std::optional<std::string> TomlTable::string(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_string();
  if (value == nullptr) fail_type(key, "a string", *node);
  if (value->get().empty()) fail(key, "must not be empty (leave the key out instead)");
  return value->get();
}

std::string TomlTable::required_string(std::string_view key) const {
  std::optional<std::string> value = string(key);
  if (!value) fail_missing(key);
  return *value;
}

std::optional<double> TomlTable::number(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
  const auto* floating = node->as_floating_point();
  if (floating == nullptr) fail_type(key, "a number", *node);
  if (!std::isfinite(floating->get())) fail(key, "must be a finite number");
  return floating->get();
}

std::optional<int64_t> TomlTable::integer(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_integer();
  if (value == nullptr) fail_type(key, "an integer", *node);
  return value->get();
}

std::optional<bool> TomlTable::boolean(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_boolean();
  if (value == nullptr) fail_type(key, "a boolean", *node);
  return value->get();
}

const toml::array* TomlTable::array(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return nullptr;
  const auto* value = node->as_array();
  if (value == nullptr) fail_type(key, "an array", *node);
  return value;
}

std::optional<double> TomlTable::time_s(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const std::optional<double> seconds = unix_seconds(*node);
  if (!seconds) {
    fail(key, "expected a date-time such as 2017-05-22T22:31:00+01:00, got " +
                  std::string(toml_type_name(node->type())));
  }
  return seconds;
}

double TomlTable::bounded_number(std::string_view key, NumberBound bound,
                                 std::optional<double> fallback) const {
  const std::optional<double> value = number(key);
  if (!value) {
    if (!fallback) fail_missing(key);
    return *fallback;
  }
  switch (bound) {
    case NumberBound::kNonNegative:
      if (*value < 0) fail(key, "must be at least 0, got " + show_number(*value));
      break;
    case NumberBound::kPositive:
      if (*value <= 0) fail(key, "must be greater than 0, got " + show_number(*value));
      break;
    case NumberBound::kProbability:
      if (*value < 0 || *value > 1) {
        fail(key, "must be a probability between 0 and 1, got " + show_number(*value));
      }
      break;
  }
  return *value;
}

int64_t TomlTable::bounded_integer(std::string_view key, int64_t min, int64_t max,
                                   std::optional<int64_t> fallback) const {
  TEARLINE_ASSERT(min <= max);
  const std::optional<int64_t> value = integer(key);
  if (!value) {
    if (!fallback) fail_missing(key);
    return *fallback;
  }
  if (*value < min) fail(key, "must be at least " + std::to_string(min));
  if (*value > max) fail(key, "must be at most " + std::to_string(max));
  return *value;
}

std::optional<TomlTable> TomlTable::table(std::string_view key,
                                          std::initializer_list<std::string_view> known) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_table();
  if (value == nullptr) fail_type(key, "a table", *node);
  return TomlTable(file_, *value, key_path(key), known);
}

std::optional<TomlTable> TomlTable::table_of_names(std::string_view key) const {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_table();
  if (value == nullptr) fail_type(key, "a table", *node);
  return of_names(file_, *value, key_path(key));
}

TomlTable TomlTable::required_table(std::string_view key,
                                    std::initializer_list<std::string_view> known) const {
  std::optional<TomlTable> value = table(key, known);
  if (!value) fail_missing(key);
  return *value;
}

std::vector<TomlTable> TomlTable::tables(std::string_view key,
                                         std::initializer_list<std::string_view> known) const {
  std::vector<TomlTable> result;
  const toml::node* node = get(key);
  if (node == nullptr) return result;
  const auto* array = node->as_array();
  if (array == nullptr) fail_type(key, "an array of tables ([[" + std::string(key) + "]])", *node);
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = key_path(key) + "[" + std::to_string(i) + "]";
    const toml::node& element = *array->get(i);
    const auto* element_table = element.as_table();
    if (element_table == nullptr) {
      fail_at(file_, {path, element.source()},
              "expected a table, got " + std::string(toml_type_name(element.type())));
    }
    result.push_back(TomlTable(file_, *element_table, path, known));
  }
  return result;
}

const toml::node* TomlTable::get(std::string_view key) const {
  // Reading a key the caller did not declare known is the caller's bug: the
  // constructor would have refused it as unknown in the file.
  TEARLINE_ASSERT(!known_ || std::find(known_->begin(), known_->end(), key) != known_->end());
  return table_->get(key);
}

void TomlTable::fail_type(std::string_view key, std::string_view expected,
                          const toml::node& node) const {
  fail(key,
       "expected " + std::string(expected) + ", got " + std::string(toml_type_name(node.type())));
}

void TomlTable::fail_choice(std::string_view key, const std::string& value,
                            const std::vector<std::string>& names) const {
  fail(key, "unknown value " + in_quotes(value) + did_you_mean(value, names, "expected one of"));
}

}  // namespace tearline
