#include "analysis/read/event_json.h"

#include <fmt/format.h>

#include <charconv>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "analysis/read/line_reader.h"

namespace tearline::report {
namespace {

using nlohmann::json;

// Each getter leaves *out alone when the field is absent (proto3 default) and
// returns an error when it is present with the wrong type.
std::optional<std::string> get_string(const json& object, const char* key, std::string* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) return fmt::format("field \"{}\" is not a string", key);
  *out = it->get<std::string>();
  return std::nullopt;
}

std::optional<std::string> get_double(const json& object, const char* key, double* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_number()) return fmt::format("field \"{}\" is not a number", key);
  *out = it->get<double>();
  return std::nullopt;
}

std::optional<std::string> get_optional_double(const json& object, const char* key,
                                               std::optional<double>* out) {
  double value = 0;
  if (!object.contains(key)) return std::nullopt;
  if (auto error = get_double(object, key, &value)) return error;
  *out = value;
  return std::nullopt;
}

std::optional<std::string> get_bool(const json& object, const char* key, bool* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_boolean()) return fmt::format("field \"{}\" is not a boolean", key);
  *out = it->get<bool>();
  return std::nullopt;
}

// The proto3 JSON mapping writes 64-bit integers as decimal strings; plain
// numbers are accepted too. Values out of Int's range are errors.
template <typename Int>
std::optional<std::string> get_integer(const json& object, const char* key,
                                       std::optional<Int>* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) {
    if (std::is_unsigned_v<Int> && !it->is_number_unsigned()) {
      return fmt::format("field \"{}\" is negative", key);
    }
    const bool fits = it->is_number_unsigned() ? std::in_range<Int>(it->get<uint64_t>())
                                               : std::in_range<Int>(it->get<int64_t>());
    if (!fits) return fmt::format("field \"{}\" is out of range", key);
    *out = it->is_number_unsigned() ? static_cast<Int>(it->get<uint64_t>())
                                    : static_cast<Int>(it->get<int64_t>());
    return std::nullopt;
  }
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    Int value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc{} && end == text.data() + text.size() && !text.empty()) {
      *out = value;
      return std::nullopt;
    }
  }
  return fmt::format("field \"{}\" is not an integer", key);
}

std::optional<std::string> get_strings(const json& object, const char* key,
                                       std::vector<std::string>* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  const std::string error = fmt::format("field \"{}\" is not an array of strings", key);
  if (!it->is_array()) return error;
  out->clear();
  for (const json& item : *it) {
    if (!item.is_string()) return error;
    out->push_back(item.get<std::string>());
  }
  return std::nullopt;
}

// A plain integer field (proto3 without presence): absent reads as 0.
template <typename Int>
std::optional<std::string> get_plain_integer(const json& object, const char* key, Int* out) {
  std::optional<Int> value;
  if (auto error = get_integer(object, key, &value)) return error;
  if (value) *out = *value;
  return std::nullopt;
}

std::optional<std::string> get_run(const json& object, const char* key, json* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_object()) return fmt::format("field \"{}\" is not an object", key);
  *out = *it;
  return std::nullopt;
}

// The getter of a field of the type of *out.
template <typename Field>
std::optional<std::string> get_field(const json& object, const char* key, Field* out) {
  if constexpr (std::is_same_v<Field, std::string>) {
    return get_string(object, key, out);
  } else if constexpr (std::is_same_v<Field, double>) {
    return get_double(object, key, out);
  } else if constexpr (std::is_same_v<Field, std::optional<double>>) {
    return get_optional_double(object, key, out);
  } else if constexpr (std::is_same_v<Field, bool>) {
    return get_bool(object, key, out);
  } else if constexpr (std::is_same_v<Field, std::vector<std::string>>) {
    return get_strings(object, key, out);
  } else if constexpr (std::is_same_v<Field, json>) {
    return get_run(object, key, out);
  } else if constexpr (std::is_integral_v<Field>) {
    return get_plain_integer(object, key, out);
  } else {
    return get_integer(object, key, out);  // std::optional of an integer.
  }
}

}  // namespace

std::optional<std::string> parse_event_json(std::string_view line, Event* event) {
  *event = Event{};
  const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return "not valid JSON";
  if (!object.is_object()) return "not a JSON object";

  // Keeps the first wrong field's error.
  std::optional<std::string> error;
  for_each_field(
      [&object, &error](const char* key, auto& field) {
        auto result = get_field(object, key, &field);
        if (!error) error = std::move(result);
      },
      *event);
  if (error) return error;
  if (event->kind.empty()) return "no \"kind\"";
  return std::nullopt;
}

std::optional<std::string> parse_event(std::string_view line, Event* event) {
  EventFields fields;
  if (read_flat_line(line, &fields)) {
    *event = event_of(fields);
    return std::nullopt;
  }
  return parse_event_json(line, event);
}

}  // namespace tearline::report
