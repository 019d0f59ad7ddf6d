#include "launcher/report/trace_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

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

// A single-pass reader for the flat objects JsonlTraceWriter emits. It takes
// only what it is sure of: plain keys, strings without \u escapes or bytes
// outside ASCII, numbers, booleans and null, arrays of strings under
// "detail", each known field at most once and of the right type. Anything
// else (a "run" object, nesting, a duplicate or wrong-typed field, any
// syntax error) makes it give up, and the line goes through nlohmann, so
// errors and edge cases read exactly as before.
class FlatLineReader {
 public:
  explicit FlatLineReader(std::string_view line)
      : p_(line.data()), end_(line.data() + line.size()) {}

  // Fills *event (already reset) and returns true, or returns false.
  bool read(Event* event) {
    skip_ws();
    if (!eat('{')) return false;
    skip_ws();
    if (eat('}')) return finish(event);
    for (;;) {
      std::string_view key;
      if (!raw_key(&key)) return false;
      skip_ws();
      if (!eat(':')) return false;
      skip_ws();
      if (!field(key, event)) return false;
      skip_ws();
      if (eat(',')) {
        skip_ws();
        continue;
      }
      if (eat('}')) return finish(event);
      return false;
    }
  }

 private:
  enum Field : uint32_t {
    kKind,
    kTH,
    kWallMs,
    kNode,
    kMsg,
    kTrace,
    kPeer,
    kHandoff,
    kReason,
    kFault,
    kBy,
    kParent,
    kSourceKind,
    kSource,
    kSourceAgency,
    kDetail,
    kActionable,
    kPeakRss,
    kDepth,
    kFieldCount
  };

  bool finish(const Event* event) {
    skip_ws();
    return p_ == end_ && !event->kind.empty();
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // A key without escapes.
  bool raw_key(std::string_view* key) {
    if (!eat('"')) return false;
    const char* start = p_;
    while (p_ != end_ && *p_ != '"') {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *key = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }

  bool string(std::string* out) {
    if (!eat('"')) return false;
    out->clear();
    for (;;) {
      const char* start = p_;
      while (p_ != end_ && !kStops[static_cast<unsigned char>(*p_)]) ++p_;
      out->append(start, static_cast<size_t>(p_ - start));
      if (p_ == end_) return false;
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      if (*p_ != '\\' || end_ - p_ < 2) return false;
      char decoded = 0;
      switch (p_[1]) {
        case '"':
          decoded = '"';
          break;
        case '\\':
          decoded = '\\';
          break;
        case '/':
          decoded = '/';
          break;
        case 'b':
          decoded = '\b';
          break;
        case 'f':
          decoded = '\f';
          break;
        case 'n':
          decoded = '\n';
          break;
        case 'r':
          decoded = '\r';
          break;
        case 't':
          decoded = '\t';
          break;
        default:
          return false;  // \u and invalid escapes.
      }
      out->push_back(decoded);
      p_ += 2;
    }
  }

  // Bytes that end a plain run of string characters: the quote, the
  // backslash, control characters and anything outside ASCII.
  static constexpr std::array<bool, 256> kStops = [] {
    std::array<bool, 256> stops{};
    for (size_t c = 0; c < stops.size(); ++c) stops[c] = c < 0x20 || c >= 0x80;
    stops['"'] = true;
    stops['\\'] = true;
    return stops;
  }();

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // A JSON number; *integer tells whether it has no fraction or exponent.
  bool number(std::string_view* text, bool* integer) {
    const char* start = p_;
    eat('-');
    if (p_ == end_ || !digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    *integer = true;
    if (p_ != end_ && *p_ == '.') {
      *integer = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      *integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    *text = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  template <typename Int>
  static bool parse_int(std::string_view text, std::optional<Int>* out) {
    Int value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return false;
    *out = value;
    return true;
  }

  // A 64-bit integer field: a plain integer, or one as a decimal string.
  template <typename Int>
  bool int_field(std::optional<Int>* out) {
    if (p_ != end_ && *p_ == '"') {
      if (!string(&scratch_)) return false;
      return parse_int(scratch_, out);
    }
    std::string_view text;
    bool integer = false;
    if (!number(&text, &integer) || !integer) return false;
    return parse_int(text, out);
  }

  bool skip_scalar() {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        return string(&scratch_);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default: {
        std::string_view text;
        bool integer = false;
        return number(&text, &integer);
      }
    }
  }

  bool strings(std::vector<std::string>* out) {
    if (!eat('[')) return false;
    out->clear();
    skip_ws();
    if (eat(']')) return true;
    for (;;) {
      out->emplace_back();
      if (!string(&out->back())) return false;
      skip_ws();
      if (eat(']')) return true;
      if (!eat(',')) return false;
      skip_ws();
    }
  }

  // Dispatches on length first: a key is then compared with at most four names.
  static int field_of(std::string_view key) {
    using Names = std::initializer_list<std::pair<std::string_view, Field>>;
    const auto pick = [key](Names names) {
      for (const auto& [name, field] : names) {
        if (key == name) return static_cast<int>(field);
      }
      return -1;
    };
    switch (key.size()) {
      case 2:
        return pick({{"by", kBy}});
      case 3:
        return pick({{"t_h", kTH}, {"msg", kMsg}});
      case 4:
        return pick({{"kind", kKind}, {"node", kNode}, {"peer", kPeer}});
      case 5:
        return pick({{"trace", kTrace}, {"depth", kDepth}, {"fault", kFault}});
      case 6:
        return pick(
            {{"detail", kDetail}, {"parent", kParent}, {"reason", kReason}, {"source", kSource}});
      case 7:
        return pick({{"wall_ms", kWallMs}, {"handoff", kHandoff}});
      case 10:
        return pick({{"actionable", kActionable}});
      case 11:
        return pick({{"source_kind", kSourceKind}});
      case 12:
        return pick({{"peak_rss_kib", kPeakRss}});
      case 13:
        return pick({{"source_agency", kSourceAgency}});
      default:
        return -1;
    }
  }

  bool field(std::string_view key, Event* event) {
    const int which = field_of(key);
    if (which < 0) {
      if (key == "run") return false;  // Only nlohmann keeps the object.
      return skip_scalar();
    }
    const uint32_t bit = 1u << which;
    if ((seen_ & bit) != 0) return false;
    seen_ |= bit;
    switch (static_cast<Field>(which)) {
      case kKind:
        return string(&event->kind);
      case kTH: {
        std::string_view text;
        bool integer = false;
        // nlohmann reads "-0" as the integer 0, not -0.0.
        if (!number(&text, &integer) || (integer && text.starts_with("-0"))) return false;
        const auto [end, error] =
            std::from_chars(text.data(), text.data() + text.size(), event->t_h);
        return error == std::errc{} && end == text.data() + text.size();
      }
      case kWallMs:
        return int_field(&event->wall_ms);
      case kNode:
        return string(&event->node);
      case kMsg:
        return string(&event->msg);
      case kTrace:
        return string(&event->trace);
      case kPeer:
        return string(&event->peer);
      case kHandoff:
        return string(&event->handoff);
      case kReason:
        return string(&event->reason);
      case kFault:
        return string(&event->fault);
      case kBy:
        return string(&event->by);
      case kParent:
        return string(&event->parent);
      case kSourceKind:
        return string(&event->source_kind);
      case kSource:
        return string(&event->source);
      case kSourceAgency:
        return string(&event->source_agency);
      case kDetail:
        return strings(&event->detail);
      case kActionable:
        if (literal("true")) {
          event->actionable = true;
          return true;
        }
        return literal("false");
      case kPeakRss:
        return int_field(&event->peak_rss_kib);
      case kDepth:
        return int_field(&event->depth);
      case kFieldCount:
        break;
    }
    return false;
  }

  const char* p_;
  const char* end_;
  uint32_t seen_ = 0;
  std::string scratch_;
};

// parse_event() on an Event that holds its defaults.
std::optional<std::string> parse_fresh_event(std::string_view line, Event* event) {
  if (FlatLineReader(line).read(event)) return std::nullopt;
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

}  // namespace

std::optional<std::string> parse_event(std::string_view line, Event* event) {
  *event = Event{};
  return parse_fresh_event(line, event);
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
      // Parsed in place: moving an Event costs as much as a short parse.
      Event& event = traces.events.emplace_back();
      if (const auto error = parse_fresh_event(line, &event)) {
        traces.events.pop_back();
        warn(fmt::format("{}:{}: malformed trace line skipped: {}", path.string(), line_number,
                         *error));
        continue;
      }
      event.file = file_index;
      event.line = line_number;
    }
  }

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
