#include "launcher/report/trace_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <system_error>
#include <tuple>
#include <type_traits>

namespace tearline::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kTraceSuffix = ".trace.jsonl";
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

std::optional<std::string> get_bool(const json& object, const char* key, bool* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_boolean()) return fmt::format("field \"{}\" is not a boolean", key);
  *out = it->get<bool>();
  return std::nullopt;
}

// The proto3 JSON mapping writes 64-bit integers as decimal strings; plain
// numbers are accepted too.
template <typename Int>
std::optional<std::string> get_int64(const json& object, const char* key, std::optional<Int>* out) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) {
    if (std::is_unsigned_v<Int> && !it->is_number_unsigned()) {
      return fmt::format("field \"{}\" is negative", key);
    }
    *out = it->get<Int>();
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

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::optional<std::string> parse_event(std::string_view line, Event* event) {
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
  check(get_int64(object, "wall_ms", &event->wall_ms));
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
  check(get_int64(object, "peak_rss_kib", &event->peak_rss_kib));
  check(get_int64(object, "depth", &event->depth));
  if (error) return error;
  if (event->kind.empty()) return "no \"kind\"";

  const auto run = object.find("run");
  if (run != object.end()) {
    if (!run->is_object()) return "field \"run\" is not an object";
    event->run = *run;
  }
  return std::nullopt;
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
  const auto warn = [warnings](std::string text) {
    if (warnings != nullptr) warnings->push_back(std::move(text));
  };

  ModeTraces traces;
  traces.mode = mode_dir.filename().string();
  std::vector<fs::path> paths;
  std::error_code ec;
  for (fs::directory_iterator it(mode_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > kTraceSuffix.size() && name.ends_with(kTraceSuffix)) {
      paths.push_back(it->path());
    }
  }
  std::sort(paths.begin(), paths.end());

  for (const fs::path& path : paths) {
    const size_t file_index = traces.files.size();
    traces.files.push_back(path.string());
    std::ifstream in(path);
    if (!in) {
      warn(fmt::format("{}: cannot be read", path.string()));
      continue;
    }
    std::string line;
    for (size_t line_number = 1; std::getline(in, line); ++line_number) {
      if (is_blank(line)) continue;
      Event event;
      if (const auto error = parse_event(line, &event)) {
        warn(fmt::format("{}:{}: malformed trace line skipped: {}", path.string(), line_number,
                         *error));
        continue;
      }
      event.file = file_index;
      event.line = line_number;
      traces.events.push_back(std::move(event));
    }
  }

  sort_in_time_order(&traces.events);
  return traces;
}

void sort_in_time_order(std::vector<Event>* events) {
  std::stable_sort(events->begin(), events->end(), [](const Event& a, const Event& b) {
    return std::tuple(a.t_h, a.wall_ms.value_or(0), a.file, a.line) <
           std::tuple(b.t_h, b.wall_ms.value_or(0), b.file, b.line);
  });
  for (size_t i = 0; i < events->size(); ++i) (*events)[i].order = i;
}

}  // namespace tearline::report
