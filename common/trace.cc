#include "common/trace.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <stdexcept>

namespace tearline {
namespace {

template <typename Integer>
void append_integer(Integer value, std::string* out) {
  char text[24];  // Any 64-bit integer in decimal, with its sign.
  out->append(text, std::to_chars(std::begin(text), std::end(text), value).ptr);
}

// Six decimals (3.6 ms of a scenario hour), trailing zeros trimmed, never an
// exponent. Non-finite values use the proto3 JSON spellings.
void append_double(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  // std::to_chars rounds exactly as fmt's "{:.6f}" did, without fmt's
  // format-string parsing and big-number path (a hot spot of every event).
  // Room for the largest double: sign, 309 digits, point, 6 decimals.
  char text[320];
  const char* end =
      std::to_chars(std::begin(text), std::end(text), value, std::chars_format::fixed, 6).ptr;
  size_t size = static_cast<size_t>(end - text);
  while (text[size - 1] == '0') --size;
  if (text[size - 1] == '.') --size;
  std::string_view digits(text, size);
  if (digits == "-0") digits = "0";
  out->append(digits);
}

class JsonObject {
 public:
  explicit JsonObject(std::string* out) : out_(out) { out_->push_back('{'); }
  void close() { out_->append("}\n"); }

  void key(std::string_view name) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(name);
    out_->append("\":");
  }
  void string(std::string_view name, std::string_view value) {
    key(name);
    quoted(value);
  }
  void string_if_set(std::string_view name, std::string_view value) {
    if (!value.empty()) string(name, value);
  }
  template <typename Integer>
  void integer_if_set(std::string_view name, Integer value) {
    if (value == 0) return;
    key(name);
    append_integer(value, out_);
  }
  void number(std::string_view name, double value) {
    key(name);
    append_double(value, out_);
  }
  void number_if_set(std::string_view name, double value) {
    if (value != 0) number(name, value);
  }
  void flag_if_set(std::string_view name, bool value) {
    if (!value) return;
    key(name);
    out_->append("true");
  }
  void strings_if_set(std::string_view name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    key(name);
    out_->push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_->push_back(',');
      quoted(values[i]);
    }
    out_->push_back(']');
  }
  void raw_if_set(std::string_view name, std::string_view json) {
    if (json.empty()) return;
    key(name);
    out_->append(json);
  }

 private:
  void quoted(std::string_view value) {
    out_->push_back('"');
    append_json_escaped(value, out_);
    out_->push_back('"');
  }

  std::string* out_;
  bool first_ = true;
};

}  // namespace

void append_json_escaped(std::string_view text, std::string* out) {
  size_t clean_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;  // Includes UTF-8 bytes.
    out->append(text.substr(clean_from, i - clean_from));
    clean_from = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        fmt::format_to(std::back_inserter(*out), "\\u{:04x}", c);
    }
  }
  out->append(text.substr(clean_from));
}

// Fields in the order of trace.proto; defaults omitted except the four that
// every event has.
void append_json_line(const TraceEvent& event, std::string* out) {
  JsonObject json(out);
  json.key("wall_ms");
  append_integer(event.wall_ms, out);
  json.number("t_h", event.t_h);
  json.string("node", event.node);
  json.string_if_set("mode", event.mode);
  json.string("kind", event.kind);
  json.string_if_set("msg", event.msg);
  json.string_if_set("trace", event.trace);
  json.string_if_set("peer", event.peer);
  json.string_if_set("handoff", event.handoff);
  json.integer_if_set("depth", event.depth);
  json.string_if_set("reason", event.reason);
  json.integer_if_set("attempt", event.attempt);
  json.string_if_set("parent", event.parent);
  json.number_if_set("wait_h", event.wait_h);
  json.number_if_set("service_h", event.service_h);
  json.strings_if_set("detail", event.detail);
  json.string_if_set("area", event.area);
  json.string_if_set("source_kind", event.source_kind);
  json.string_if_set("source", event.source);
  json.string_if_set("source_agency", event.source_agency);
  json.integer_if_set("priority", event.priority);
  json.flag_if_set("background", event.background);
  json.flag_if_set("actionable", event.actionable);
  json.integer_if_set("peak_rss_kib", event.peak_rss_kib);
  json.raw_if_set("run", event.run_json);
  json.string_if_set("fault", event.fault);
  json.string_if_set("by", event.by);
  json.close();
}

JsonlTraceWriter::JsonlTraceWriter(const std::string& path)
    : path_(path), file_(std::fopen(path.c_str(), "ab")) {
  if (file_ == nullptr) {
    throw std::runtime_error("cannot open trace file " + path + ": " + std::strerror(errno));
  }
  buffer_.reserve(kBufferFlushBytes + 4096);
}

JsonlTraceWriter::~JsonlTraceWriter() {
  try {
    flush();
  } catch (const std::runtime_error& error) {
    // A destructor must not throw; say what was lost.
    std::fprintf(stderr, "%s\n", error.what());
  }
  std::fclose(file_);
}

void JsonlTraceWriter::write(const TraceEvent& event) {
  append_json_line(event, &buffer_);
  ++events_written_;
  if (buffer_.size() >= kBufferFlushBytes) flush();
}

void JsonlTraceWriter::flush() {
  const size_t written = std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  const bool ok = written == buffer_.size() && std::fflush(file_) == 0;
  buffer_.clear();
  if (!ok) {
    throw std::runtime_error("cannot write trace file " + path_ + ": " + std::strerror(errno));
  }
}

}  // namespace tearline
