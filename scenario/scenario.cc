// Reading and validating scenario files. The format is documented key by key
// in scenarios/README.md; keep the two in step.

#include "scenario/scenario.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string_view>
#include <utility>

#include "base/iso_time.h"
#include "model/intelligence.h"

namespace tearline {
namespace {

// Limits on what a scenario may ask of a department, so a typo cannot make a
// node allocate without bound.
constexpr int64_t kWorkersMax = 10'000;
// Agencies, a centre and units together: each is a process, and a centre
// holds a socket and a connection for each of the others.
constexpr size_t kNodesMax = 4'000;
constexpr int64_t kCapacityMsgsMax = 10'000'000;
constexpr int64_t kCorrelationBoostMax = 100;  // Relevance is capped at 100 anyway.

constexpr double kSecondsPerHour = 3600;
constexpr int64_t kSecondsPerDay = 86'400;

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string show(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string_view type_name(toml::node_type type) {
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

// " (did you mean "x"?)" for a near miss (a typo or a truncation), else
// " (<label>: a, b, c)".
std::string hint(std::string_view word, const std::vector<std::string>& candidates,
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

// A place in the file: the dotted key ("agency[1].desk.workers") and the
// region of the file it points at.
struct Where {
  std::string key;
  toml::source_region region;
};

struct Context {
  std::string file;
  int64_t start_unix_s = 0;  // Set once [scenario].start has been read.
};

[[noreturn]] void fail(const Context& context, const Where& where, std::string_view message) {
  std::string text = context.file;
  if (where.region.begin.line > 0) text += ":" + std::to_string(where.region.begin.line);
  text += ": ";
  if (!where.key.empty()) text += where.key + ": ";
  text += message;
  throw ScenarioError(text);
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

// A TOML table being read. Rejects keys not in `known` when constructed, then
// reads typed values; every error names file, line and dotted key.
class Table {
 public:
  Table(const Context& context, const toml::table& table, std::string path,
        std::initializer_list<std::string_view> known)
      : context_(&context), table_(&table), path_(std::move(path)), known_(known) {
    for (auto&& [key, node] : *table_) {
      if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) continue;
      const std::vector<std::string> known_names(known_.begin(), known_.end());
      tearline::fail(
          *context_, {key_path(key.str()), key.source()},
          "unknown key " + in_quotes(key.str()) + hint(key.str(), known_names, "known keys"));
    }
  }

  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool has(std::string_view key) const { return get(key) != nullptr; }
  // At the value of `key` if present, else at the table.
  Where where(std::string_view key) const {
    const toml::node* node = get(key);
    return {key_path(key), node != nullptr ? node->source() : table_->source()};
  }
  [[noreturn]] void fail(std::string_view key, std::string_view message) const {
    tearline::fail(*context_, where(key), message);
  }
  [[noreturn]] void fail_missing(std::string_view key) const {
    fail(key, "required key is missing");
  }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr) fail_type(key, "a string", *node);
    if (value->get().empty()) fail(key, "must not be empty (leave the key out instead)");
    return value->get();
  }
  std::string required_string(std::string_view key) const {
    std::optional<std::string> value = string(key);
    if (!value) fail_missing(key);
    return *value;
  }

  // An integer or a float, finite.
  std::optional<double> number(std::string_view key) const {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
    const auto* floating = node->as_floating_point();
    if (floating == nullptr) fail_type(key, "a number", *node);
    if (!std::isfinite(floating->get())) fail(key, "must be a finite number");
    return floating->get();
  }

  std::optional<int64_t> integer(std::string_view key) const {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_integer();
    if (value == nullptr) fail_type(key, "an integer", *node);
    return value->get();
  }

  const toml::array* array(std::string_view key) const {
    const toml::node* node = get(key);
    if (node == nullptr) return nullptr;
    const auto* value = node->as_array();
    if (value == nullptr) fail_type(key, "an array", *node);
    return value;
  }

  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_boolean();
    if (value == nullptr) fail_type(key, "a boolean", *node);
    return value->get();
  }

  // A date-time or date, as hours since [scenario].start.
  std::optional<double> time_h(std::string_view key) const {
    const std::optional<double> seconds = time_s(key);
    if (!seconds) return std::nullopt;
    return (*seconds - static_cast<double>(context_->start_unix_s)) / kSecondsPerHour;
  }
  // A date-time or date in seconds since the Unix epoch.
  std::optional<double> time_s(std::string_view key) const {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    const std::optional<double> seconds = unix_seconds(*node);
    if (!seconds) {
      fail(key, "expected a date-time such as 2017-05-22T22:31:00+01:00, got " +
                    std::string(type_name(node->type())));
    }
    return seconds;
  }

  std::optional<Table> table(std::string_view key,
                             std::initializer_list<std::string_view> known) const {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_table();
    if (value == nullptr) fail_type(key, "a table", *node);
    return Table(*context_, *value, key_path(key), known);
  }
  Table required_table(std::string_view key, std::initializer_list<std::string_view> known) const {
    std::optional<Table> value = table(key, known);
    if (!value) fail_missing(key);
    return *value;
  }

  // The tables of an array of tables ([[agency]] ...); none if absent.
  std::vector<Table> tables(std::string_view key,
                            std::initializer_list<std::string_view> known) const {
    std::vector<Table> result;
    const toml::node* node = get(key);
    if (node == nullptr) return result;
    const auto* array = node->as_array();
    if (array == nullptr)
      fail_type(key, "an array of tables ([[" + std::string(key) + "]])", *node);
    for (size_t i = 0; i < array->size(); ++i) {
      const std::string path = key_path(key) + "[" + std::to_string(i) + "]";
      const toml::node& element = *array->get(i);
      const auto* element_table = element.as_table();
      if (element_table == nullptr) {
        tearline::fail(*context_, {path, element.source()},
                       "expected a table, got " + std::string(type_name(element.type())));
      }
      result.emplace_back(*context_, *element_table, path, known);
    }
    return result;
  }

 private:
  const toml::node* get(std::string_view key) const {
    assert(std::find(known_.begin(), known_.end(), key) != known_.end());
    return table_->get(key);
  }
  [[noreturn]] void fail_type(std::string_view key, std::string_view expected,
                              const toml::node& node) const {
    fail(key, "expected " + std::string(expected) + ", got " + std::string(type_name(node.type())));
  }

  const Context* context_;
  const toml::table* table_;
  std::string path_;
  std::vector<std::string_view> known_;
};

enum class Bound { kNonNegative, kPositive, kProbability };

// A number within `bound`; `fallback` if absent, required if no fallback.
double read_number(const Table& table, std::string_view key, Bound bound,
                   std::optional<double> fallback = std::nullopt) {
  const std::optional<double> value = table.number(key);
  if (!value) {
    if (!fallback) table.fail_missing(key);
    return *fallback;
  }
  switch (bound) {
    case Bound::kNonNegative:
      if (*value < 0) table.fail(key, "must be at least 0, got " + show(*value));
      break;
    case Bound::kPositive:
      if (*value <= 0) table.fail(key, "must be greater than 0, got " + show(*value));
      break;
    case Bound::kProbability:
      if (*value < 0 || *value > 1) {
        table.fail(key, "must be a probability between 0 and 1, got " + show(*value));
      }
      break;
  }
  return *value;
}

int64_t read_integer(const Table& table, std::string_view key, int64_t min, int64_t max,
                     std::optional<int64_t> fallback = std::nullopt) {
  const std::optional<int64_t> value = table.integer(key);
  if (!value) {
    if (!fallback) table.fail_missing(key);
    return *fallback;
  }
  if (*value < min) table.fail(key, "must be at least " + std::to_string(min));
  if (*value > max) table.fail(key, "must be at most " + std::to_string(max));
  return *value;
}

// One of `names`, mapped to its value.
template <typename T>
T read_choice(const Table& table, std::string_view key,
              const std::vector<std::pair<std::string, T>>& names,
              std::optional<T> fallback = std::nullopt) {
  const std::optional<std::string> value = table.string(key);
  if (!value) {
    if (!fallback) table.fail_missing(key);
    return *fallback;
  }
  std::vector<std::string> candidates;
  for (const auto& [name, choice] : names) {
    if (name == *value) return choice;
    candidates.push_back(name);
  }
  table.fail(key,
             "unknown value " + in_quotes(*value) + hint(*value, candidates, "expected one of"));
}

v1::Severity read_severity(const Table& table, std::string_view key,
                           std::optional<v1::Severity> fallback = std::nullopt) {
  const std::optional<std::string> name = table.string(key);
  if (!name) {
    if (!fallback) table.fail_missing(key);
    return *fallback;
  }
  v1::Severity severity{};
  if (!parse_severity(*name, &severity)) {
    table.fail(key, "unknown severity " + in_quotes(*name) +
                        " (expected one of: low, moderate, high, critical)");
  }
  return severity;
}

v1::Tlp read_tlp(const Table& table, std::string_view key) {
  const std::string name = table.required_string(key);
  v1::Tlp tlp{};
  if (!parse_tlp(name, &tlp)) {
    table.fail(key, "unknown TLP " + in_quotes(name) +
                        " (expected one of: clear, green, amber, amber+strict, red)");
  }
  return tlp;
}

// "agency.uk" for prefix "agency.": the prefix, then [a-z0-9] and "._-".
bool valid_node_name(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
  return std::all_of(
      name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
}

DelayModel read_delay(const Table& table) {
  using Distribution = DelayModel::Distribution;
  struct Shape {
    Distribution distribution;
    std::vector<std::string_view> parameters;
  };
  static const std::vector<std::pair<std::string, Shape>> kShapes = {
      {"none", {Distribution::kNone, {}}},
      {"exponential", {Distribution::kExponential, {"mean_h"}}},
      {"uniform", {Distribution::kUniform, {"min_h", "max_h"}}},
      {"lognormal", {Distribution::kLognormal, {"median_h", "sigma"}}},
  };
  static constexpr std::string_view kParameters[] = {"mean_h", "min_h", "max_h", "median_h",
                                                     "sigma"};

  const std::string name = table.string("distribution").value_or("none");
  const auto shape = std::find_if(kShapes.begin(), kShapes.end(),
                                  [&](const auto& entry) { return entry.first == name; });
  if (shape == kShapes.end()) {
    std::vector<std::string> names;
    for (const auto& entry : kShapes) names.push_back(entry.first);
    table.fail("distribution",
               "unknown distribution " + in_quotes(name) + hint(name, names, "expected one of"));
  }
  const std::vector<std::string_view>& wanted = shape->second.parameters;
  for (std::string_view parameter : kParameters) {
    if (table.has(parameter) &&
        std::find(wanted.begin(), wanted.end(), parameter) == wanted.end()) {
      std::string takes = wanted.empty() ? "no parameters besides fixed_h" : "";
      for (size_t i = 0; i < wanted.size(); ++i)
        takes += (i == 0 ? "" : ", ") + std::string(wanted[i]);
      table.fail(parameter, "not a parameter of distribution " + in_quotes(name) + " (it takes " +
                                takes + ")");
    }
  }

  DelayModel delay;
  delay.fixed_h = read_number(table, "fixed_h", Bound::kNonNegative, 0);
  delay.distribution = shape->second.distribution;
  switch (delay.distribution) {
    case Distribution::kNone:
      break;
    case Distribution::kExponential:
      delay.mean_h = read_number(table, "mean_h", Bound::kPositive);
      break;
    case Distribution::kUniform:
      delay.min_h = read_number(table, "min_h", Bound::kNonNegative);
      delay.max_h = read_number(table, "max_h", Bound::kNonNegative);
      if (delay.max_h < delay.min_h) {
        table.fail("max_h", "must be at least min_h (" + show(delay.min_h) + ")");
      }
      break;
    case Distribution::kLognormal:
      delay.median_h = read_number(table, "median_h", Bound::kPositive);
      delay.sigma = read_number(table, "sigma", Bound::kNonNegative);
      break;
  }
  return delay;
}

DelayModel read_delay_table(const Table& parent, std::string_view key) {
  return read_delay(parent.required_table(
      key, {"fixed_h", "distribution", "mean_h", "min_h", "max_h", "median_h", "sigma"}));
}

std::optional<LossModel> read_loss(const Table& parent) {
  const std::optional<Table> table = parent.table("loss", {"probability", "reason"});
  if (!table) return std::nullopt;
  LossModel loss;
  loss.probability = read_number(*table, "probability", Bound::kProbability);
  loss.reason = table->string("reason").value_or(loss.reason);
  return loss;
}

QueueConfig read_queue(const Table& parent, std::string_view key) {
  const Table table =
      parent.required_table(key, {"workers", "service", "capacity_msgs", "ttl_h", "priority"});
  QueueConfig queue;
  queue.workers = static_cast<uint32_t>(read_integer(table, "workers", 1, kWorkersMax));
  queue.service = read_delay_table(table, "service");
  queue.capacity_msgs = static_cast<uint32_t>(
      read_integer(table, "capacity_msgs", 1, kCapacityMsgsMax, queue.capacity_msgs));
  queue.ttl_h = read_number(table, "ttl_h", Bound::kPositive, queue.ttl_h);
  queue.priority = read_choice<QueueConfig::Priority>(
      table, "priority",
      {{"fifo", QueueConfig::Priority::kFifo}, {"relevance", QueueConfig::Priority::kRelevance}},
      queue.priority);
  return queue;
}

BackgroundSpec read_background(const Table& parent) {
  BackgroundSpec background;
  const std::optional<Table> table =
      parent.table("background", {"rate_per_h", "severity", "area_share", "field_share"});
  if (!table) return background;
  background.rate_per_h = read_number(*table, "rate_per_h", Bound::kNonNegative);
  background.area_share = read_number(*table, "area_share", Bound::kProbability, 0);
  background.field_share =
      read_number(*table, "field_share", Bound::kProbability, background.field_share);

  const Table weights = table->required_table("severity", {"low", "moderate", "high", "critical"});
  const std::pair<std::string_view, v1::Severity> kLevels[] = {
      {"low", v1::SEVERITY_LOW},
      {"moderate", v1::SEVERITY_MODERATE},
      {"high", v1::SEVERITY_HIGH},
      {"critical", v1::SEVERITY_CRITICAL},
  };
  double total = 0;
  for (const auto& [name, severity] : kLevels) {
    const double weight = read_number(weights, name, Bound::kNonNegative, 0);
    background.severity_weights[severity] = weight;
    total += weight;
  }
  if (total <= 0) table->fail("severity", "weights must not all be 0");
  for (auto& [severity, weight] : background.severity_weights) weight /= total;
  return background;
}

SharingPolicy read_policy(const Table& parent) {
  const Table table = parent.required_table(
      "policy", {"min_severity", "insider", "officer", "technical", "open", "fallback"});
  const auto read_by_value = [](const Table& by_value) {
    SharingPolicy::ByValue result;
    result.full_trust_min = read_number(by_value, "full_trust_min", Bound::kNonNegative);
    result.sanitised_trust_min = read_number(by_value, "sanitised_trust_min", Bound::kNonNegative);
    return result;
  };
  SharingPolicy policy;
  policy.min_severity = read_severity(table, "min_severity", v1::SEVERITY_LOW);
  for (const char* value : {"insider", "officer", "technical", "open"}) {
    if (auto by_value = table.table(value, {"full_trust_min", "sanitised_trust_min"})) {
      policy.by_source_value[value] = read_by_value(*by_value);
    }
  }
  if (auto fallback = table.table("fallback", {"full_trust_min", "sanitised_trust_min"})) {
    policy.fallback = read_by_value(*fallback);
  }
  return policy;
}

// A point in scenario time given as `date_key` (date-time) or `hours_key`
// (hours since the start), exactly one of them, within the scenario.
double read_moment_h(const Table& table, std::string_view date_key, std::string_view hours_key,
                     double duration_h) {
  const std::optional<double> by_date = table.time_h(date_key);
  const std::optional<double> by_hours = table.number(hours_key);
  if (by_date && by_hours) {
    table.fail(hours_key,
               "give " + std::string(date_key) + " or " + std::string(hours_key) + ", not both");
  }
  if (!by_date && !by_hours) {
    table.fail(date_key, "required key is missing (or give " + std::string(hours_key) + ")");
  }
  const std::string_view key = by_date ? date_key : hours_key;
  const double at_h = by_date ? *by_date : *by_hours;
  if (at_h < 0) table.fail(key, "is " + show(-at_h) + " h before the scenario start");
  if (at_h > duration_h) {
    table.fail(key, "is " + show(at_h - duration_h) + " h after the scenario end (hour " +
                        show(duration_h) + ")");
  }
  return at_h;
}

// Records the value of `key` in `seen`, failing if an earlier table has it.
void claim_unique(std::map<std::string, Where>& seen, const Table& table, std::string_view key,
                  const std::string& value) {
  const auto [earlier, added] = seen.emplace(value, table.where(key));
  if (!added) {
    table.fail(key, in_quotes(value) + " is already the " + std::string(key) + " of " +
                        earlier->second.key + " (line " +
                        std::to_string(earlier->second.region.begin.line) + ")");
  }
}

class Loader {
 public:
  Loader(std::string file, const toml::table& document) : document_(document) {
    context_.file = std::move(file);
  }

  Scenario load() {
    const Table root(context_, document_, "",
                     {"scenario", "agency", "broker", "unit", "link_default", "link", "report",
                      "plot", "fault"});
    scenario_.source_path = context_.file;
    read_scenario(root);
    read_agencies(root);
    read_broker(root);
    read_units(root);
    read_plots(root);
    read_links(root);
    read_reports(root);
    read_faults(root);
    return std::move(scenario_);
  }

 private:
  void read_scenario(const Table& root) {
    const Table table = root.required_table(
        "scenario",
        {"name", "description", "start", "end", "duration_h", "ms_per_scenario_hour", "seed"});
    scenario_.name = table.required_string("name");
    scenario_.description = table.string("description").value_or("");

    const std::optional<double> start_s = table.time_s("start");
    if (!start_s) table.fail_missing("start");
    if (*start_s != std::floor(*start_s)) table.fail("start", "must be a whole second");
    const auto start_unix_s = static_cast<int64_t>(*start_s);
    context_.start_unix_s = start_unix_s;
    scenario_.start_unix_s = start_unix_s;
    scenario_.start_iso = format_iso(start_unix_s, "Z");

    const std::optional<double> end_h = table.time_h("end");
    const std::optional<double> duration_h = table.number("duration_h");
    if (end_h && duration_h) table.fail("duration_h", "give end or duration_h, not both");
    if (!end_h && !duration_h) table.fail_missing("duration_h");
    scenario_.duration_h = end_h ? *end_h : *duration_h;
    if (scenario_.duration_h <= 0) {
      table.fail(end_h ? "end" : "duration_h", "must be after the start");
    }
    scenario_.ms_per_scenario_hour = read_number(table, "ms_per_scenario_hour", Bound::kNonNegative,
                                                 scenario_.ms_per_scenario_hour);
    scenario_.seed =
        static_cast<uint64_t>(read_integer(table, "seed", 0, std::numeric_limits<int64_t>::max(),
                                           static_cast<int64_t>(scenario_.seed)));
  }

  // The name of a node, `prefix` followed by a suffix; `fallback`, if given,
  // is the default and also valid without a suffix (the broker's "broker").
  std::string read_node_name(const Table& table, std::string_view prefix,
                             std::optional<std::string> fallback = std::nullopt) {
    std::string name =
        fallback ? table.string("name").value_or(*fallback) : table.required_string("name");
    if (!valid_node_name(name, prefix) && !(fallback && name == *fallback)) {
      table.fail("name", "must be " + (fallback ? *fallback + " or " : "") + std::string(prefix) +
                             "<name> with lower-case letters, digits, '.', '_' or '-', got " +
                             in_quotes(name));
    }
    claim_unique(nodes_, table, "name", name);
    return name;
  }

  void read_agencies(const Table& root) {
    const std::vector<Table> tables =
        root.tables("agency", {"name", "country", "desk", "database", "background", "policy",
                               "partner", "source", "journal"});
    if (tables.empty()) root.fail("agency", "at least one [[agency]] is required");
    if (tables.size() + 2 > kNodesMax) fail_too_many_nodes(root, "agency", tables.size() + 2);
    struct PartnerRef {
      Table table;
      std::string agency;
      std::string partner;
    };
    std::vector<PartnerRef> partner_refs;
    for (const Table& table : tables) {
      AgencySpec agency;
      agency.name = read_node_name(table, "agency.");
      agency.country = table.string("country").value_or(agency.name.substr(sizeof "agency." - 1));
      agency.desk = read_queue(table, "desk");
      agency.database = read_queue(table, "database");
      agency.background = read_background(table);
      agency.policy = read_policy(table);
      agency.journal = table.boolean("journal").value_or(false);
      for (const Table& partner_table : table.tables("partner", {"agency", "trust"})) {
        PartnerSpec partner;
        partner.agency = partner_table.required_string("agency");
        for (const PartnerSpec& earlier : agency.partners) {
          if (earlier.agency == partner.agency) {
            partner_table.fail("agency",
                               in_quotes(partner.agency) + " is listed twice as a partner");
          }
        }
        partner.trust = read_number(partner_table, "trust", Bound::kProbability);
        agency.partners.push_back(partner);
        partner_refs.push_back({partner_table, agency.name, partner.agency});
      }
      for (const Table& source_table : table.tables("source", {"handle", "value"})) {
        SourceSpec source;
        source.handle = source_table.required_string("handle");
        claim_unique(source_handles_, source_table, "handle", source.handle);
        source.value = read_choice<std::string>(source_table, "value",
                                                {{"insider", "insider"},
                                                 {"officer", "officer"},
                                                 {"technical", "technical"},
                                                 {"open", "open"}});
        agency.sources.push_back(source);
      }
      scenario_.agencies.push_back(std::move(agency));
    }
    for (const PartnerRef& ref : partner_refs) {
      if (ref.partner == ref.agency)
        ref.table.fail("agency", "an agency cannot be its own partner");
      check_agency_ref(ref.table, "agency", ref.partner);
    }
  }

  void check_agency_ref(const Table& table, std::string_view key, const std::string& name) const {
    if (scenario_.agency(name) != nullptr) return;
    std::vector<std::string> names;
    for (const AgencySpec& agency : scenario_.agencies) names.push_back(agency.name);
    table.fail(key, (nodes_.count(name) != 0 ? in_quotes(name) + " is not an agency"
                                             : "unknown agency " + in_quotes(name)) +
                        hint(name, names, "agencies"));
  }

  void check_node_ref(const Table& table, std::string_view key, const std::string& name) const {
    if (nodes_.count(name) != 0) return;
    std::vector<std::string> names;
    for (const auto& [node, where] : nodes_) names.push_back(node);
    table.fail(key, "unknown node " + in_quotes(name) + hint(name, names, "nodes"));
  }

  // A node named as the other end of a link: the centre, not its standby.
  void check_peer_ref(const Table& table, std::string_view key, const std::string& name) const {
    check_node_ref(table, key, name);
    if (name == scenario_.broker.standby) {
      table.fail(key, in_quotes(name) + " is the centre's standby: name the centre, " +
                          in_quotes(scenario_.broker.name));
    }
  }

  void read_broker(const Table& root) {
    const Table table = root.required_table(
        "broker",
        {"name", "officers", "background", "correlation_window_h", "correlation_boost",
         "resend_interval_h", "delivery_deadline_h", "journal", "standby", "failover_after_h"});
    BrokerSpec& broker = scenario_.broker;
    broker.name = read_node_name(table, "broker.", broker.name);
    broker.officers = read_queue(table, "officers");
    broker.background = read_background(table);
    broker.correlation_window_h = read_number(table, "correlation_window_h", Bound::kNonNegative,
                                              broker.correlation_window_h);
    broker.correlation_boost = static_cast<int>(read_integer(
        table, "correlation_boost", 0, kCorrelationBoostMax, broker.correlation_boost));
    broker.resend_interval_h =
        read_number(table, "resend_interval_h", Bound::kPositive, broker.resend_interval_h);
    broker.delivery_deadline_h =
        read_number(table, "delivery_deadline_h", Bound::kNonNegative, broker.delivery_deadline_h);
    broker.journal = table.boolean("journal").value_or(false);
    if (table.has("standby")) {
      broker.standby = table.required_string("standby");
      if (!valid_node_name(broker.standby, "broker.")) {
        table.fail("standby",
                   "must be broker.<name> with lower-case letters, digits, '.', '_' or '-', got " +
                       in_quotes(broker.standby));
      }
      claim_unique(nodes_, table, "standby", broker.standby);
      if (!broker.journal) {
        table.fail("standby",
                   "needs journal = true: the standby takes over from a copy of the "
                   "centre's journal");
      }
    }
    broker.failover_after_h =
        read_number(table, "failover_after_h", Bound::kNonNegative, broker.failover_after_h);
  }

  [[noreturn]] static void fail_too_many_nodes(const Table& root, std::string_view key,
                                               size_t nodes) {
    root.fail(key, "a scenario has at most " + std::to_string(kNodesMax) +
                       " nodes (agencies, a centre and units together); this one has at least " +
                       std::to_string(nodes));
  }

  void read_units(const Table& root) {
    const std::vector<Table> tables = root.tables(
        "unit", {"name", "agency", "area", "response_h", "poll_interval_h", "intake", "journal"});
    if (tables.empty()) root.fail("unit", "at least one [[unit]] is required");
    const size_t nodes = scenario_.agencies.size() + 1 + tables.size();
    if (nodes > kNodesMax) fail_too_many_nodes(root, "unit", nodes);
    for (const Table& table : tables) {
      UnitSpec unit;
      unit.name = read_node_name(table, "unit.");
      unit.agency = table.required_string("agency");
      check_agency_ref(table, "agency", unit.agency);
      unit.area = table.required_string("area");
      unit.response_h = read_number(table, "response_h", Bound::kNonNegative);
      unit.poll_interval_h =
          read_number(table, "poll_interval_h", Bound::kPositive, unit.poll_interval_h);
      unit.intake = read_queue(table, "intake");
      unit.journal = table.boolean("journal").value_or(false);
      scenario_.units.push_back(std::move(unit));
    }
  }

  void read_plots(const Table& root) {
    std::map<std::string, Where> ids;
    for (const Table& table :
         root.tables("plot", {"id", "area", "site", "attack_at", "attack_h", "description"})) {
      PlotSpec plot;
      plot.id = table.required_string("id");
      claim_unique(ids, table, "id", plot.id);
      plot.area = table.required_string("area");
      // A plot no unit covers could never be averted: almost surely a typo.
      std::vector<std::string> areas;
      for (const UnitSpec& unit : scenario_.units) areas.push_back(unit.area);
      if (std::find(areas.begin(), areas.end(), plot.area) == areas.end()) {
        table.fail("area", "no unit covers area " + in_quotes(plot.area) +
                               hint(plot.area, areas, "unit areas"));
      }
      plot.site = table.required_string("site");
      plot.attack_h = read_moment_h(table, "attack_at", "attack_h", scenario_.duration_h);
      plot.description = table.string("description").value_or("");
      scenario_.plots.push_back(std::move(plot));
    }
  }

  void read_links(const Table& root) {
    const Table fallback = root.required_table("link_default", {"delay", "loss"});
    scenario_.link_default.delay = read_delay_table(fallback, "delay");
    scenario_.link_default.loss = read_loss(fallback).value_or(LossModel{});

    std::map<std::pair<std::string, std::string>, Where> pairs;
    for (const Table& table : root.tables("link", {"from", "to", "both_ways", "delay", "loss"})) {
      LinkSpec link;
      link.from = table.required_string("from");
      check_node_ref(table, "from", link.from);
      link.to = table.required_string("to");
      check_node_ref(table, "to", link.to);
      if (link.to == link.from) table.fail("to", "a link cannot lead from a node to itself");
      link.delay =
          table.has("delay") ? read_delay_table(table, "delay") : scenario_.link_default.delay;
      link.loss = read_loss(table).value_or(scenario_.link_default.loss);
      std::vector<LinkSpec> directions = {link};
      if (table.boolean("both_ways").value_or(false)) {
        directions.push_back({link.to, link.from, link.delay, link.loss});
      }
      for (LinkSpec& direction : directions) {
        const auto [it, added] =
            pairs.emplace(std::pair(direction.from, direction.to), table.where("to"));
        if (!added) {
          table.fail("to", "link " + direction.from + " -> " + direction.to +
                               " is already defined by " + it->second.key + " (line " +
                               std::to_string(it->second.region.begin.line) + ")");
        }
        scenario_.links.push_back(std::move(direction));
      }
    }
  }

  void read_reports(const Table& root) {
    std::map<std::string, Where> ids;
    for (const Table& table :
         root.tables("report", {"id", "agency", "source", "plot", "at", "at_h", "subject", "area",
                                "site", "window", "method", "credibility", "severity", "tlp"})) {
      ReportSpec report;
      report.id = table.required_string("id");
      claim_unique(ids, table, "id", report.id);
      report.agency = table.required_string("agency");
      check_agency_ref(table, "agency", report.agency);
      report.source = table.required_string("source");
      const AgencySpec& agency = *scenario_.agency(report.agency);
      if (std::none_of(agency.sources.begin(), agency.sources.end(),
                       [&](const SourceSpec& source) { return source.handle == report.source; })) {
        std::vector<std::string> handles;
        for (const SourceSpec& source : agency.sources) handles.push_back(source.handle);
        table.fail("source", report.agency + " has no source " + in_quotes(report.source) +
                                 hint(report.source, handles, "its sources"));
      }
      report.plot = table.string("plot").value_or("");
      if (!report.plot.empty() &&
          std::none_of(scenario_.plots.begin(), scenario_.plots.end(),
                       [&](const PlotSpec& plot) { return plot.id == report.plot; })) {
        std::vector<std::string> plot_ids;
        for (const PlotSpec& plot : scenario_.plots) plot_ids.push_back(plot.id);
        table.fail("plot",
                   "unknown plot " + in_quotes(report.plot) + hint(report.plot, plot_ids, "plots"));
      }
      report.at_h = read_moment_h(table, "at", "at_h", scenario_.duration_h);
      report.subject = table.string("subject");
      report.area = table.string("area");
      report.site = table.string("site");
      report.method = table.string("method");
      if (const std::optional<Table> window =
              table.table("window", {"start", "end", "start_h", "end_h"})) {
        v1::TimeWindow time_window;
        time_window.set_start_h(read_moment_h(*window, "start", "start_h", scenario_.duration_h));
        time_window.set_end_h(read_moment_h(*window, "end", "end_h", scenario_.duration_h));
        if (time_window.end_h() < time_window.start_h()) {
          window->fail(window->has("end") ? "end" : "end_h", "must not be before the start");
        }
        report.window = time_window;
      }
      report.credibility = table.required_string("credibility");
      int reliability = 0;
      int credibility = 0;
      if (!parse_admiralty(report.credibility, &reliability, &credibility)) {
        table.fail("credibility",
                   "expected an Admiralty grading A-F then 1-6, such as \"B2\", got " +
                       in_quotes(report.credibility));
      }
      report.severity = read_severity(table, "severity");
      report.tlp = read_tlp(table, "tlp");
      scenario_.reports.push_back(std::move(report));
    }
  }

  void read_faults(const Table& root) {
    static const std::vector<std::string> kCommands = {"pause", "link", "partition", "queue",
                                                       "crash", "kill", "stop"};
    for (const Table& table : root.tables(
             "fault", {"at", "at_h", "node", "command", "for_h", "restart_after_h", "peers", "peer",
                       "delay_h", "jitter_h", "loss_probability", "duplicate_probability",
                       "reorder_probability", "reorder_window_h", "bandwidth_msgs_per_h", "queue",
                       "workers", "service_h", "capacity_msgs"})) {
      FaultSpec fault;
      fault.at_h = read_moment_h(table, "at", "at_h", scenario_.duration_h);
      fault.node = table.required_string("node");
      check_node_ref(table, "node", fault.node);
      fault.command = table.required_string("command");
      if (std::find(kCommands.begin(), kCommands.end(), fault.command) == kCommands.end()) {
        table.fail("command", "unknown fault command " + in_quotes(fault.command) +
                                  hint(fault.command, kCommands, "commands"));
      }
      if (fault.node == scenario_.broker.standby && fault.command != "kill" &&
          fault.command != "stop" && fault.command != "crash") {
        table.fail("command", "the standby " + in_quotes(fault.node) +
                                  " takes only kill, stop and crash: other faults name the "
                                  "centre, " +
                                  in_quotes(scenario_.broker.name) +
                                  ", whichever member is active");
      }
      // Which keys each command takes beyond at, node, command.
      const std::map<std::string, std::vector<std::string>> kKeys = {
          {"pause", {"for_h"}},
          {"stop", {"for_h"}},
          {"crash", {"restart_after_h"}},
          {"kill", {"restart_after_h"}},
          {"partition", {"for_h", "peers"}},
          {"queue", {"for_h", "queue", "workers", "service_h", "capacity_msgs"}},
          {"link",
           {"for_h", "peer", "delay_h", "jitter_h", "loss_probability", "duplicate_probability",
            "reorder_probability", "reorder_window_h", "bandwidth_msgs_per_h"}}};
      const std::vector<std::string>& allowed = kKeys.at(fault.command);
      for (std::string_view key :
           {"for_h", "restart_after_h", "peers", "peer", "delay_h", "jitter_h", "loss_probability",
            "duplicate_probability", "reorder_probability", "reorder_window_h",
            "bandwidth_msgs_per_h", "queue", "workers", "service_h", "capacity_msgs"}) {
        if (table.has(key) &&
            std::find(allowed.begin(), allowed.end(), std::string(key)) == allowed.end()) {
          table.fail(key, "does not apply to command " + in_quotes(fault.command));
        }
      }
      if (table.has("for_h")) fault.for_h = read_number(table, "for_h", Bound::kPositive);
      if (table.has("restart_after_h")) {
        fault.restart_after_h = read_number(table, "restart_after_h", Bound::kNonNegative);
      }
      v1::ControlRequest& request = fault.request;
      request.set_issued_by("schedule");
      if (fault.command == "pause") request.mutable_pause();
      if (fault.command == "crash") request.mutable_crash();
      if (fault.command == "partition") {
        const toml::array* peers = table.array("peers");
        if (peers == nullptr || peers->empty()) table.fail_missing("peers");
        for (const toml::node& peer : *peers) {
          const auto* name = peer.as_string();
          if (name == nullptr) table.fail("peers", "must be a list of node names");
          check_peer_ref(table, "peers", name->get());
          request.mutable_partition()->add_peers(name->get());
        }
      }
      if (fault.command == "link") {
        v1::SetLink* link = request.mutable_link();
        link->set_peer(table.string("peer").value_or("*"));
        if (link->peer() != "*") check_peer_ref(table, "peer", link->peer());
        if (table.has("delay_h"))
          link->set_delay_h(read_number(table, "delay_h", Bound::kNonNegative));
        if (table.has("jitter_h"))
          link->set_jitter_h(read_number(table, "jitter_h", Bound::kNonNegative));
        if (table.has("loss_probability")) {
          link->set_loss_probability(read_number(table, "loss_probability", Bound::kProbability));
        }
        if (table.has("duplicate_probability")) {
          link->set_duplicate_probability(
              read_number(table, "duplicate_probability", Bound::kProbability));
        }
        if (table.has("reorder_probability")) {
          link->set_reorder_probability(
              read_number(table, "reorder_probability", Bound::kProbability));
        }
        if (table.has("reorder_window_h")) {
          link->set_reorder_window_h(read_number(table, "reorder_window_h", Bound::kNonNegative));
        }
        if (table.has("bandwidth_msgs_per_h")) {
          link->set_bandwidth_msgs_per_h(
              read_number(table, "bandwidth_msgs_per_h", Bound::kPositive));
        }
      }
      if (fault.command == "queue") {
        v1::SetQueue* queue = request.mutable_queue();
        queue->set_name(table.required_string("queue"));
        if (table.has("workers")) {
          queue->set_workers(static_cast<uint32_t>(read_integer(table, "workers", 0, kWorkersMax)));
        }
        if (table.has("service_h")) {
          queue->set_service_h(read_number(table, "service_h", Bound::kPositive));
        }
        if (table.has("capacity_msgs")) {
          queue->set_capacity_msgs(
              static_cast<uint32_t>(read_integer(table, "capacity_msgs", 0, kCapacityMsgsMax)));
        }
      }
      scenario_.faults.push_back(std::move(fault));
    }
  }

  Context context_;
  const toml::table& document_;
  Scenario scenario_;
  std::map<std::string, Where> nodes_;           // Node name -> where it is named.
  std::map<std::string, Where> source_handles_;  // Source handle -> where it is named.
};

}  // namespace

const AgencySpec* Scenario::agency(const std::string& node_name) const {
  const auto it = std::find_if(agencies.begin(), agencies.end(), [&](const AgencySpec& candidate) {
    return candidate.name == node_name;
  });
  return it == agencies.end() ? nullptr : &*it;
}

const UnitSpec* Scenario::unit(const std::string& node_name) const {
  const auto it = std::find_if(units.begin(), units.end(), [&](const UnitSpec& candidate) {
    return candidate.name == node_name;
  });
  return it == units.end() ? nullptr : &*it;
}

LinkSpec Scenario::link(const std::string& from, const std::string& to) const {
  const auto it = std::find_if(links.begin(), links.end(), [&](const LinkSpec& candidate) {
    return candidate.from == from && candidate.to == to;
  });
  if (it != links.end()) return *it;
  LinkSpec fallback = link_default;
  fallback.from = from;
  fallback.to = to;
  return fallback;
}

std::vector<std::string> Scenario::unit_areas() const {
  std::vector<std::string> areas;
  for (const UnitSpec& unit : units) areas.push_back(unit.area);
  std::sort(areas.begin(), areas.end());
  areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
  return areas;
}

std::vector<std::string> Scenario::node_names() const {
  std::vector<std::string> names;
  for (const AgencySpec& agency : agencies) names.push_back(agency.name);
  names.push_back(broker.name);
  for (const UnitSpec& unit : units) names.push_back(unit.name);
  return names;
}

std::vector<std::string> Scenario::process_names() const {
  std::vector<std::string> names = node_names();
  if (!broker.standby.empty()) names.push_back(broker.standby);
  return names;
}

bool Scenario::journaled(const std::string& node) const {
  if (node == broker.name) return broker.journal;
  if (const AgencySpec* spec = agency(node)) return spec->journal;
  if (const UnitSpec* spec = unit(node)) return spec->journal;
  return false;
}

Scenario load_scenario(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw ScenarioError(
        path + ": cannot read scenario file: " +
        (std::filesystem::exists(path, error) ? "not a regular file" : "no such file"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw ScenarioError(path + ": cannot read scenario file: " + std::strerror(errno));
  return parse_scenario(text.str(), path);
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  toml::table document;
  try {
    document = toml::parse(text, path);
  } catch (const toml::parse_error& parse_error) {
    const toml::source_position& at = parse_error.source().begin;
    throw ScenarioError(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                        ": " + std::string(parse_error.description()));
  }
  return Loader(path, document).load();
}

}  // namespace tearline
