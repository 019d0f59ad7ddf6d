// Helpers of the trace writer's tests: the field-by-field writer that the
// direct one replaced, random events to compare the two on, and one line
// parsed by protobuf's own JSON parser (the contract).
#pragma once

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tearline/v1/trace.pb.h"
#include "trace/trace.h"

namespace tearline::trace_testing {

inline std::string json_line(const TraceEvent& event) {
  std::string out;
  append_json_line(event, &out);
  return out;
}

// Parses one line with protobuf's own JSON parser: the contract.
inline v1::TraceEvent parse(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one event, one line";
  v1::TraceEvent parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << line;
  return parsed;
}

inline TraceEvent minimal_event() {
  TraceEvent event;
  event.node = "agency.uk";
  event.kind = "created";
  return event;
}

// The field-by-field writer that the direct one replaced (its escapes of
// control characters were formatted with fmt, "\\u{:04x}"): the fast writer
// must produce its output byte for byte.
namespace reference {

template <typename Integer>
void append_integer(Integer value, std::string* out) {
  char text[24];
  out->append(text, std::to_chars(std::begin(text), std::end(text), value).ptr);
}

inline void append_double(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
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

inline void append_json_escaped(std::string_view text, std::string* out) {
  size_t clean_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
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
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out->append(escaped);
      }
    }
  }
  out->append(text.substr(clean_from));
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

inline std::string json_line(const TraceEvent& event) {
  std::string line;
  std::string* out = &line;
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
  json.raw_if_set("run", event.run);
  json.string_if_set("fault", event.fault);
  json.string_if_set("by", event.by);
  json.string_if_set("issuer", event.issuer);
  json.string_if_set("claimed", event.claimed);
  json.string_if_set("source_value", event.source_value);
  if (event.trust) json.number("trust", *event.trust);
  if (event.full_trust_min) json.number("full_trust_min", *event.full_trust_min);
  if (event.sanitised_trust_min) json.number("sanitised_trust_min", *event.sanitised_trust_min);
  json.close();
  return line;
}

}  // namespace reference

// Random events for the comparison: strings of plain text, escapes, control
// characters and UTF-8, often empty; numbers of every kind, including the
// awkward doubles (exact ties at the sixth decimal, huge, tiny, non-finite).
class RandomEvents {
 public:
  explicit RandomEvents(uint64_t seed) : engine_(seed) {}

  TraceEvent next() {
    TraceEvent event;
    // node, mode and kind are string_views: they point into views_.
    views_[0] = text();
    views_[1] = text();
    views_[2] = text();
    event.node = views_[0];
    event.mode = views_[1];
    event.kind = views_[2];
    event.wall_ms = integer<int64_t>();
    event.t_h = number();
    event.msg = text();
    event.trace = text();
    event.peer = text();
    event.handoff = text();
    event.depth = integer<uint32_t>();
    event.reason = text();
    event.attempt = integer<uint32_t>();
    event.parent = text();
    event.wait_h = number();
    event.service_h = number();
    for (uint64_t i = pick(4) == 0 ? pick(6) : 0; i > 0; --i) event.detail.push_back(text());
    event.area = text();
    event.source_kind = text();
    event.source = text();
    event.source_agency = text();
    event.priority = integer<int32_t>();
    event.background = pick(2) == 0;
    event.actionable = pick(2) == 0;
    if (pick(8) == 0) event.run = R"({"scenario":"x","seed":)" + std::to_string(pick(1000)) + "}";
    event.fault = text();
    event.by = text();
    event.issuer = text();
    event.claimed = text();
    event.source_value = text();
    if (pick(2) == 0) event.trust = number();
    if (pick(2) == 0) event.full_trust_min = number();
    if (pick(2) == 0) event.sanitised_trust_min = number();
    return event;
  }

  double number() {
    switch (pick(12)) {
      case 0:
        return 0;
      case 1:  // Whole hours.
        return static_cast<double>(pick(100000));
      case 2:  // Whole hours, negative.
        return -static_cast<double>(pick(100000));
      case 3:  // Exact ties at the sixth decimal: multiples of 2^-7 = 0.0078125.
        return static_cast<double>(pick(1 << 20)) / 128 * (pick(2) ? 1 : -1);
      case 4:  // Near ties.
        return (static_cast<double>(pick(1000000000)) + 0.5) / 1e6 +
               (static_cast<double>(pick(3)) - 1) * 1e-12;
      case 5:  // Tiny.
        return std::ldexp(static_cast<double>(pick(1000)) - 500, -static_cast<int>(pick(80)));
      case 6:  // Huge, or at the edge of the fast path.
        return std::ldexp(static_cast<double>(pick(1000)) + 1, static_cast<int>(pick(1100)));
      case 7:
        return static_cast<double>(pick(2)) * 1e7 - 1e-9 * static_cast<double>(pick(5));
      case 8: {
        const double special[] = {std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(),
                                  -0.0,
                                  std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::lowest(),
                                  std::numeric_limits<double>::denorm_min(),
                                  0.5e-6,
                                  -0.5e-6,
                                  9999999.9999995};
        return special[pick(std::size(special))];
      }
      default: {  // Any bit pattern, or a plain fraction of hours.
        if (pick(2) == 0) return std::uniform_real_distribution<double>(-1e6, 1e6)(engine_);
        uint64_t bits = engine_();
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      }
    }
  }

 private:
  uint64_t pick(uint64_t bound) { return engine_() % bound; }

  template <typename Integer>
  Integer integer() {
    switch (pick(4)) {
      case 0:
        return 0;
      case 1:
        return static_cast<Integer>(pick(1000));
      default:
        return static_cast<Integer>(engine_());
    }
  }

  std::string text() {
    if (pick(3) == 0) return "";
    static constexpr std::string_view kPieces[] = {"us-report-17>broker",
                                                   "agency.us",
                                                   "ps-e32865875d17",
                                                   "sealed:09a1aa1249a28ede5f039cd1",
                                                   "\"",
                                                   "\\",
                                                   "\n",
                                                   "\t",
                                                   "\r",
                                                   "\b",
                                                   "\f",
                                                   std::string_view("\0", 1),
                                                   "\x01",
                                                   "\x1f",
                                                   "\x7f",
                                                   "Zürich",
                                                   "\xe2\x80\x94",
                                                   "東京",
                                                   " ",
                                                   "x"};
    std::string out;
    for (uint64_t i = 1 + pick(6); i > 0; --i) out += kPieces[pick(std::size(kPieces))];
    return out;
  }

  std::mt19937_64 engine_;
  std::string views_[3];
};

}  // namespace tearline::trace_testing
