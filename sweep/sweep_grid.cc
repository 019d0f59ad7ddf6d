#include "sweep/sweep_grid.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include "base/toml_reader.h"
#include "scenario/key_path.h"

namespace tearline::sweep {
namespace {

std::optional<int64_t> as_integer(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

// "A..B" or "A..B:STEP" as values; nullopt when `text` is not a range.
std::optional<std::vector<std::string>> range_values(const std::string& spec,
                                                     const std::string& text) {
  const size_t dots = text.find("..");
  if (dots == std::string::npos) return std::nullopt;
  const std::string from = text.substr(0, dots);
  std::string to = text.substr(dots + 2);
  std::string step;
  if (const size_t colon = to.find(':'); colon != std::string::npos) {
    step = to.substr(colon + 1);
    to.resize(colon);
  }
  std::vector<std::string> values;
  if (step.empty()) {
    const auto a = as_integer(from);
    const auto b = as_integer(to);
    if (!a || !b || *a > *b) {
      throw SweepError(
          fmt::format("--set {}: a range A..B needs integers A <= B (or A..B:STEP)", spec));
    }
    if (static_cast<uint64_t>(*b - *a) >= kValuesMax) {
      throw SweepError(fmt::format("--set {}: more than {} values", spec, kValuesMax));
    }
    for (int64_t value = *a; value <= *b; ++value) values.push_back(std::to_string(value));
    return values;
  }
  const auto a = as_number(from);
  const auto b = as_number(to);
  const auto by = as_number(step);
  if (!a || !b || !by || *by <= 0 || *a > *b) {
    throw SweepError(
        fmt::format("--set {}: a range A..B:STEP needs numbers A <= B and a STEP above 0", spec));
  }
  // Counted in steps, so that 0.5..0.9:0.1 ends at 0.9 despite rounding.
  const double steps = std::floor((*b - *a) / *by + 1e-9);
  if (steps + 1 > static_cast<double>(kValuesMax)) {
    throw SweepError(fmt::format("--set {}: more than {} values", spec, kValuesMax));
  }
  for (int i = 0; i <= static_cast<int>(steps); ++i) {
    values.push_back(fmt::format("{}", *a + i * *by));
  }
  return values;
}

// `text` as a TOML value of the type `like` has (or, without `like`, of
// the type its text suggests); false if it is not one.
bool set_value(toml::table& table, const std::string& key, const toml::node* like,
               const std::string& text) {
  const auto integer = as_integer(text);
  const auto number = as_number(text);
  const bool boolean = text == "true" || text == "false";
  if (like == nullptr) {
    if (integer) {
      table.insert_or_assign(key, *integer);
    } else if (number) {
      table.insert_or_assign(key, *number);
    } else if (boolean) {
      table.insert_or_assign(key, text == "true");
    } else {
      table.insert_or_assign(key, text);
    }
    return true;
  }
  if (like->is_integer() && integer) return table.insert_or_assign(key, *integer), true;
  if (like->is_floating_point() && number) return table.insert_or_assign(key, *number), true;
  if (like->is_boolean() && boolean) return table.insert_or_assign(key, text == "true"), true;
  if (like->is_string()) return table.insert_or_assign(key, text), true;
  return false;
}

// What a value that cannot be set is, for messages.
std::string kind_of(const toml::node& node) {
  const std::string kind(toml_type_name(node.type()));
  return node.is_table() || node.is_array() ? kind + " (not settable)" : kind;
}

void apply(toml::table& root, const std::string& source, const std::string& path,
           const std::string& value) {
  KeyPathTarget target;
  try {
    target = walk_key_path(root, source, path);
  } catch (const KeyPathError& error) {
    throw SweepError(std::string("--set ") + error.what());
  }
  const toml::node* node = target.table->get(target.key);
  if (node != nullptr && !set_value(*target.table, target.key, node, value)) {
    throw SweepError(
        fmt::format("--set {}={}: {} in {} is {}", path, value, path, source, kind_of(*node)));
  }
  if (node == nullptr) set_value(*target.table, target.key, nullptr, value);
}

}  // namespace

Parameter parse_set(const std::string& spec) {
  const size_t equals = spec.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size()) {
    throw SweepError(
        fmt::format("--set {}: expected PATH=VALUES, e.g. "
                    "agency[0].partner[0].trust=0.5,0.7,0.9",
                    spec));
  }
  Parameter parameter;
  parameter.path = spec.substr(0, equals);
  try {
    parse_key_path(parameter.path);  // Checked before any value.
  } catch (const KeyPathError& error) {
    throw SweepError(std::string("--set ") + error.what());
  }
  // An overlay's keys (scenario/scenario_overlay.h): set on the resolved
  // scenario, they made each point an overlay of a file found from wherever
  // it was written.
  if (parameter.path == "extends" || parameter.path == "set") {
    throw SweepError(
        fmt::format("--set {}: an overlay's key, not a parameter: the scenario is "
                    "resolved before it is varied",
                    parameter.path));
  }
  const std::string text = spec.substr(equals + 1);
  if (auto range = range_values(spec, text)) {
    parameter.values = std::move(*range);
  } else {
    for (const std::string& value : split(text, ',')) {
      if (value.empty()) throw SweepError(fmt::format("--set {}: an empty value", spec));
      parameter.values.push_back(value);
    }
  }
  if (parameter.values.size() > kValuesMax) {
    throw SweepError(fmt::format("--set {}: more than {} values", spec, kValuesMax));
  }
  return parameter;
}

std::vector<uint64_t> parse_seeds(const std::string& spec) {
  std::vector<uint64_t> seeds;
  std::set<uint64_t> seen;
  const auto add = [&](uint64_t seed) {
    if (seen.insert(seed).second) seeds.push_back(seed);
    if (seeds.size() > kSeedsMax) {
      throw SweepError(fmt::format("--seeds {}: more than {} seeds", spec, kSeedsMax));
    }
  };
  for (const std::string& part : split(spec, ',')) {
    const size_t dash = part.find('-');
    const auto from = as_integer(part.substr(0, dash));
    const auto to = dash == std::string::npos ? from : as_integer(part.substr(dash + 1));
    if (!from || !to || *from < 0 || *from > *to) {
      throw SweepError(fmt::format("--seeds {}: \"{}\" is not a seed or a range A-B", spec, part));
    }
    if (static_cast<uint64_t>(*to - *from) >= kSeedsMax) {
      throw SweepError(fmt::format("--seeds {}: more than {} seeds", spec, kSeedsMax));
    }
    for (int64_t seed = *from; seed <= *to; ++seed) add(static_cast<uint64_t>(seed));
  }
  return seeds;
}

std::vector<std::vector<std::string>> grid_points(const std::vector<Parameter>& parameters) {
  std::vector<std::vector<std::string>> points = {{}};
  for (const Parameter& parameter : parameters) {
    if (points.size() * parameter.values.size() > kPointsMax) {
      throw SweepError(fmt::format("the grid has more than {} points", kPointsMax));
    }
    std::vector<std::vector<std::string>> next;
    for (const std::vector<std::string>& point : points) {
      for (const std::string& value : parameter.values) {
        next.push_back(point);
        next.back().push_back(value);
      }
    }
    points = std::move(next);
  }
  return points;
}

std::string apply_point(const std::string& toml_text, const std::string& source,
                        const std::vector<Parameter>& parameters,
                        const std::vector<std::string>& point) {
  toml::table root;
  try {
    root = parse_toml(toml_text, source);
  } catch (const TomlError& error) {
    throw SweepError(error.what());
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    apply(root, source, parameters[i].path, point.at(i));
  }
  std::ostringstream out;
  out << root << "\n";
  return out.str();
}

}  // namespace tearline::sweep
