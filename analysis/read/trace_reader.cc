#include "analysis/read/trace_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "analysis/read/line_reader.h"
#include "analysis/read/trace_scan.h"

namespace tearline::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kLauncherTrace = "launcher.trace.jsonl";

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

}  // namespace

std::optional<std::string> parse_event_json(std::string_view line, Event* event) {
  *event = Event{};
  const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return "not valid JSON";
  if (!object.is_object()) return "not a JSON object";

  std::optional<std::string> error;
  // Keeps the first wrong field's error.
  const auto check = [&error](std::optional<std::string> result) {
    if (!error) error = std::move(result);
  };
  check(get_string(object, "kind", &event->kind));
  check(get_double(object, "t_h", &event->t_h));
  check(get_integer(object, "wall_ms", &event->wall_ms));
  check(get_string(object, "node", &event->node));
  check(get_string(object, "msg", &event->msg));
  check(get_string(object, "trace", &event->trace));
  check(get_string(object, "peer", &event->peer));
  check(get_string(object, "handoff", &event->handoff));
  check(get_string(object, "reason", &event->reason));
  check(get_string(object, "fault", &event->fault));
  check(get_string(object, "by", &event->by));
  check(get_string(object, "parent", &event->parent));
  check(get_string(object, "source_kind", &event->source_kind));
  check(get_string(object, "source", &event->source));
  check(get_string(object, "source_agency", &event->source_agency));
  check(get_strings(object, "detail", &event->detail));
  check(get_bool(object, "actionable", &event->actionable));
  check(get_integer(object, "peak_rss_kib", &event->peak_rss_kib));
  check(get_integer(object, "depth", &event->depth));
  check(get_integer(object, "attempt", &event->attempt));
  check(get_double(object, "wait_h", &event->wait_h));
  check(get_double(object, "service_h", &event->service_h));
  check(get_string(object, "source_value", &event->source_value));
  check(get_optional_double(object, "trust", &event->trust));
  check(get_optional_double(object, "full_trust_min", &event->full_trust_min));
  check(get_optional_double(object, "sanitised_trust_min", &event->sanitised_trust_min));
  if (error) return error;
  if (event->kind.empty()) return "no \"kind\"";

  const auto run = object.find("run");
  if (run != object.end()) {
    if (!run->is_object()) return "field \"run\" is not an object";
    event->run = *run;
  }
  return std::nullopt;
}

Event event_of(const EventFields& fields) {
  Event event;
  copy_fields(fields, &event);
  if (fields.run != nullptr) event.run = *fields.run;
  return event;
}

std::optional<std::string> parse_event(std::string_view line, Event* event) {
  EventFields fields;
  if (read_flat_line(line, &fields)) {
    *event = event_of(fields);
    return std::nullopt;
  }
  return parse_event_json(line, event);
}

std::vector<fs::path> find_mode_dirs(const fs::path& run_dir) {
  std::vector<fs::path> modes;
  std::error_code ec;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_directory(entry_ec) && fs::is_regular_file(it->path() / kLauncherTrace, entry_ec)) {
      modes.push_back(it->path());
    }
  }
  std::sort(modes.begin(), modes.end());
  return modes;
}

ModeTraces read_mode(const fs::path& mode_dir, std::vector<std::string>* warnings) {
  ModeScan scan(mode_dir);
  ModeTraces traces;
  traces.mode = scan.mode();
  traces.files = scan.files();
  scan.read([&traces](const EventFields& fields) { traces.events.push_back(event_of(fields)); },
            warnings);
  sort_in_time_order(&traces.events);
  return traces;
}

void sort_in_time_order(std::vector<Event>* events) {
  // Sorts small keys, then moves each event once: events are large.
  struct Key {
    double t_h;
    int64_t wall_ms;
    size_t file, line, index;
  };
  std::vector<Key> keys;
  keys.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    const Event& event = (*events)[i];
    keys.push_back({event.t_h, event.wall_ms.value_or(0), event.file, event.line, i});
  }
  // The index breaks ties as stable_sort would.
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.t_h, a.wall_ms, a.file, a.line, a.index) <
           std::tie(b.t_h, b.wall_ms, b.file, b.line, b.index);
  });
  std::vector<Event> sorted;
  sorted.reserve(events->size());
  for (const Key& key : keys) sorted.push_back(std::move((*events)[key.index]));
  *events = std::move(sorted);
  for (size_t i = 0; i < events->size(); ++i) (*events)[i].order = i;
}

}  // namespace tearline::report
