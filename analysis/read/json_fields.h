// Fields of the JSON objects a run's traces carry (a RunInfo, its plots and
// units), read leniently: a field that is absent or of another type reads
// as empty. Internal to tearline_report and the live view (analysis/live/).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/iso_time.h"

namespace tearline::report {

// "" when absent or not a string (or `object` is not an object).
inline std::string string_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// 0 when absent or not a number.
inline double number_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The ISO time `t_h` hours after `start_iso`, or null if it has none.
inline nlohmann::json iso_or_null(const std::string& start_iso, double t_h) {
  const auto iso = iso_plus_hours(start_iso, t_h);
  return iso ? nlohmann::json(*iso) : nlohmann::json(nullptr);
}

}  // namespace tearline::report
