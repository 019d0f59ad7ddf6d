// The models a scenario's tables describe (docs/MODEL.md): delays, losses,
// queues, background streams, sharing policies, severities and TLPs.

#include <algorithm>
#include <utility>

#include "model/intelligence.h"
#include "scenario/scenario_reading.h"

namespace tearline::scenario_reading {
namespace {

DelayModel read_delay(const TomlTable& table) {
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
    table.fail("distribution", "unknown distribution " + in_quotes(name) +
                                   did_you_mean(name, names, "expected one of"));
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
  delay.fixed_h = table.bounded_number("fixed_h", NumberBound::kNonNegative, 0);
  delay.distribution = shape->second.distribution;
  switch (delay.distribution) {
    case Distribution::kNone:
      break;
    case Distribution::kExponential:
      delay.mean_h = table.bounded_number("mean_h", NumberBound::kPositive);
      break;
    case Distribution::kUniform:
      delay.min_h = table.bounded_number("min_h", NumberBound::kNonNegative);
      delay.max_h = table.bounded_number("max_h", NumberBound::kNonNegative);
      if (delay.max_h < delay.min_h) {
        table.fail("max_h", "must be at least min_h (" + show_number(delay.min_h) + ")");
      }
      break;
    case Distribution::kLognormal:
      delay.median_h = table.bounded_number("median_h", NumberBound::kPositive);
      delay.sigma = table.bounded_number("sigma", NumberBound::kNonNegative);
      break;
  }
  return delay;
}

}  // namespace

v1::Severity read_severity(const TomlTable& table, std::string_view key,
                           std::optional<v1::Severity> fallback) {
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

v1::Tlp read_tlp(const TomlTable& table, std::string_view key) {
  const std::string name = table.required_string(key);
  v1::Tlp tlp{};
  if (!parse_tlp(name, &tlp)) {
    table.fail(key, "unknown TLP " + in_quotes(name) +
                        " (expected one of: clear, green, amber, amber+strict, red)");
  }
  return tlp;
}

DelayModel read_delay_table(const TomlTable& parent, std::string_view key) {
  return read_delay(parent.required_table(
      key, {"fixed_h", "distribution", "mean_h", "min_h", "max_h", "median_h", "sigma"}));
}

std::optional<LossModel> read_loss(const TomlTable& parent) {
  const std::optional<TomlTable> table = parent.table("loss", {"probability", "reason"});
  if (!table) return std::nullopt;
  LossModel loss;
  loss.probability = table->bounded_number("probability", NumberBound::kProbability);
  loss.reason = table->string("reason").value_or(loss.reason);
  return loss;
}

QueueConfig read_queue(const TomlTable& parent, std::string_view key) {
  const TomlTable table =
      parent.required_table(key, {"workers", "service", "capacity_msgs", "ttl_h", "priority"});
  QueueConfig queue;
  queue.workers = static_cast<uint32_t>(table.bounded_integer("workers", 1, kWorkersMax));
  queue.service = read_delay_table(table, "service");
  queue.capacity_msgs = static_cast<uint32_t>(
      table.bounded_integer("capacity_msgs", 1, kCapacityMsgsMax, queue.capacity_msgs));
  queue.ttl_h = table.bounded_number("ttl_h", NumberBound::kPositive, queue.ttl_h);
  queue.priority = table.choice<QueueConfig::Priority>(
      "priority",
      {{"fifo", QueueConfig::Priority::kFifo}, {"relevance", QueueConfig::Priority::kRelevance}},
      queue.priority);
  return queue;
}

BackgroundSpec read_background(const TomlTable& parent) {
  BackgroundSpec background;
  const std::optional<TomlTable> table =
      parent.table("background", {"rate_per_h", "severity", "area_share", "field_share"});
  if (!table) return background;
  background.rate_per_h = table->bounded_number("rate_per_h", NumberBound::kNonNegative);
  background.area_share = table->bounded_number("area_share", NumberBound::kProbability, 0);
  background.field_share =
      table->bounded_number("field_share", NumberBound::kProbability, background.field_share);

  const TomlTable weights =
      table->required_table("severity", {"low", "moderate", "high", "critical"});
  const std::pair<std::string_view, v1::Severity> kLevels[] = {
      {"low", v1::SEVERITY_LOW},
      {"moderate", v1::SEVERITY_MODERATE},
      {"high", v1::SEVERITY_HIGH},
      {"critical", v1::SEVERITY_CRITICAL},
  };
  double total = 0;
  for (const auto& [name, severity] : kLevels) {
    const double weight = weights.bounded_number(name, NumberBound::kNonNegative, 0);
    background.severity_weights[severity] = weight;
    total += weight;
  }
  if (total <= 0) table->fail("severity", "weights must not all be 0");
  for (auto& [severity, weight] : background.severity_weights) weight /= total;
  return background;
}

SharingPolicy read_policy(const TomlTable& parent) {
  const TomlTable table = parent.required_table(
      "policy", {"min_severity", "insider", "officer", "technical", "open", "fallback"});
  const auto read_by_value = [](const TomlTable& by_value) {
    SharingPolicy::ByValue result;
    result.full_trust_min = by_value.bounded_number("full_trust_min", NumberBound::kNonNegative);
    result.sanitised_trust_min =
        by_value.bounded_number("sanitised_trust_min", NumberBound::kNonNegative);
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

}  // namespace tearline::scenario_reading
