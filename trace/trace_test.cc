#include "trace/trace.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tearline/v1/trace.pb.h"

namespace tearline {
namespace {

std::string json_line(const TraceEvent& event) {
  std::string out;
  append_json_line(event, &out);
  return out;
}

// Parses one line with protobuf's own JSON parser: the contract.
v1::TraceEvent parse(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one event, one line";
  v1::TraceEvent parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << line;
  return parsed;
}

TraceEvent minimal_event() {
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

void append_double(double value, std::string* out) {
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

void append_json_escaped(std::string_view text, std::string* out) {
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

std::string json_line(const TraceEvent& event) {
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
  json.integer_if_set("peak_rss_kib", event.peak_rss_kib);
  json.raw_if_set("run", event.run_json);
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
    event.peak_rss_kib = integer<uint64_t>();
    if (pick(8) == 0)
      event.run_json = R"({"scenario":"x","seed":)" + std::to_string(pick(1000)) + "}";
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

TEST(TraceJsonTest, WritesRandomEventsExactlyAsTheReferenceWriter) {
  RandomEvents events(20170522);
  std::string lines;  // Appended to, as the trace writer does.
  std::string expected;
  for (int i = 0; i < 200000; ++i) {
    const TraceEvent event = events.next();
    const std::string line = json_line(event);
    ASSERT_EQ(line, reference::json_line(event)) << "event " << i;
    append_json_line(event, &lines);
    expected += line;
  }
  EXPECT_EQ(lines, expected);
}

TEST(TraceJsonTest, WritesRandomHoursExactlyAsTheReferenceWriter) {
  RandomEvents events(42);
  TraceEvent event = minimal_event();
  for (int i = 0; i < 2000000; ++i) {
    event.t_h = events.number();
    ASSERT_EQ(json_line(event), reference::json_line(event)) << std::hexfloat << event.t_h;
  }
}

TEST(TraceJsonTest, EscapesRandomTextExactlyAsTheReferenceWriter) {
  std::mt19937_64 engine(7);
  for (int i = 0; i < 100000; ++i) {
    std::string text(engine() % 40, '\0');
    for (char& c : text) c = static_cast<char>(engine() % (i % 2 ? 256 : 0x30));
    std::string out = "prefix";
    std::string expected = "prefix";
    append_json_escaped(text, &out);
    reference::append_json_escaped(text, &expected);
    ASSERT_EQ(out, expected);
  }
}

TEST(TraceJsonTest, EveryFieldRoundTripsThroughTheProtoJsonMapping) {
  TraceEvent event;
  event.wall_ms = 1700000000123;
  event.t_h = 1234.567;
  event.node = "broker";
  event.mode = "coordinated";
  event.kind = "served";
  event.msg = "us-manchester-1#2";
  event.trace = "us-manchester-1";
  event.peer = "unit.manchester";
  event.handoff = "officers@broker";
  event.depth = 17;
  event.reason = "expired:backlog";
  event.attempt = 3;
  event.parent = "us-manchester-1";
  event.wait_h = 0.25;
  event.service_h = 12.125;
  event.detail = {"subject", "area", "site"};
  event.area = "manchester";
  event.source_kind = "pseudonym";
  event.source = "ps-e32865875d17";
  event.source_agency = "agency.us";
  event.priority = -5;
  event.background = true;
  event.actionable = true;
  event.peak_rss_kib = 1ULL << 40;
  event.run_json =
      R"({"scenario":"manchester-2017","seed":42,"duration_h":10,)"
      R"("plots":[{"id":"plot.m","area":"manchester","attack_h":3384,"trace_ids":["a","b"]}],)"
      R"("units":[{"name":"unit.manchester","area":"manchester","response_h":24}],)"
      R"("agencies":["agency.uk","agency.us"]})";
  event.fault = "partition agency.us";
  event.by = "tearline fault";
  event.issuer = "operator";
  event.claimed = "agency.us";
  event.source_value = "insider";
  event.trust = 0;  // Present although zero.
  event.full_trust_min = 0.9;
  event.sanitised_trust_min = 0.3;

  const v1::TraceEvent parsed = parse(json_line(event));
  EXPECT_EQ(parsed.wall_ms(), 1700000000123);
  EXPECT_DOUBLE_EQ(parsed.t_h(), 1234.567);
  EXPECT_EQ(parsed.node(), "broker");
  EXPECT_EQ(parsed.mode(), "coordinated");
  EXPECT_EQ(parsed.kind(), "served");
  EXPECT_EQ(parsed.msg(), "us-manchester-1#2");
  EXPECT_EQ(parsed.trace(), "us-manchester-1");
  EXPECT_EQ(parsed.peer(), "unit.manchester");
  EXPECT_EQ(parsed.handoff(), "officers@broker");
  EXPECT_EQ(parsed.depth(), 17u);
  EXPECT_EQ(parsed.reason(), "expired:backlog");
  EXPECT_EQ(parsed.attempt(), 3u);
  EXPECT_EQ(parsed.parent(), "us-manchester-1");
  EXPECT_DOUBLE_EQ(parsed.wait_h(), 0.25);
  EXPECT_DOUBLE_EQ(parsed.service_h(), 12.125);
  ASSERT_EQ(parsed.detail_size(), 3);
  EXPECT_EQ(parsed.detail(0), "subject");
  EXPECT_EQ(parsed.detail(2), "site");
  EXPECT_EQ(parsed.area(), "manchester");
  EXPECT_EQ(parsed.source_kind(), "pseudonym");
  EXPECT_EQ(parsed.source(), "ps-e32865875d17");
  EXPECT_EQ(parsed.source_agency(), "agency.us");
  EXPECT_EQ(parsed.priority(), -5);
  EXPECT_TRUE(parsed.background());
  EXPECT_TRUE(parsed.actionable());
  EXPECT_EQ(parsed.peak_rss_kib(), 1ULL << 40);
  ASSERT_TRUE(parsed.has_run());
  EXPECT_EQ(parsed.run().scenario(), "manchester-2017");
  EXPECT_EQ(parsed.run().seed(), 42u);
  ASSERT_EQ(parsed.run().plots_size(), 1);
  EXPECT_EQ(parsed.run().plots(0).attack_h(), 3384);
  EXPECT_EQ(parsed.run().plots(0).trace_ids(1), "b");
  EXPECT_EQ(parsed.run().units(0).response_h(), 24);
  EXPECT_EQ(parsed.run().agencies_size(), 2);
  EXPECT_EQ(parsed.fault(), "partition agency.us");
  EXPECT_EQ(parsed.by(), "tearline fault");
  EXPECT_EQ(parsed.issuer(), "operator");
  EXPECT_EQ(parsed.claimed(), "agency.us");
  EXPECT_EQ(parsed.source_value(), "insider");
  EXPECT_TRUE(parsed.has_trust());
  EXPECT_DOUBLE_EQ(parsed.trust(), 0);
  EXPECT_DOUBLE_EQ(parsed.full_trust_min(), 0.9);
  EXPECT_DOUBLE_EQ(parsed.sanitised_trust_min(), 0.3);

  // Every field of the schema is set, so a new proto field without a writer
  // shows up here.
  const google::protobuf::Descriptor* descriptor = v1::TraceEvent::descriptor();
  const google::protobuf::Reflection* reflection = v1::TraceEvent::GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    const bool set = field->is_repeated() ? reflection->FieldSize(parsed, field) > 0
                                          : reflection->HasField(parsed, field);
    EXPECT_TRUE(set) << field->name();
  }
}

TEST(TraceJsonTest, OmitsDefaultsButAlwaysWritesTheCoreFields) {
  EXPECT_EQ(json_line(minimal_event()),
            R"({"wall_ms":0,"t_h":0,"node":"agency.uk","kind":"created"})"
            "\n");
}

TEST(TraceJsonTest, WritesHoursWithSixDecimalsAndNoExponent) {
  auto t_h_text = [](double t_h) {
    TraceEvent event = minimal_event();
    event.t_h = t_h;
    const std::string line = json_line(event);
    const size_t start = line.find("\"t_h\":") + 6;
    return line.substr(start, line.find(',', start) - start);
  };
  EXPECT_EQ(t_h_text(1234.567), "1234.567");
  EXPECT_EQ(t_h_text(0.1), "0.1");
  EXPECT_EQ(t_h_text(720), "720");
  EXPECT_EQ(t_h_text(8760.000001), "8760.000001");
  EXPECT_EQ(t_h_text(1.0 / 3), "0.333333");
  EXPECT_EQ(t_h_text(1e-9), "0");
  EXPECT_EQ(t_h_text(-1e-9), "0");
  EXPECT_EQ(t_h_text(-2.5), "-2.5");
  EXPECT_EQ(t_h_text(1e7), "10000000");
}

TEST(TraceJsonTest, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_escaped("a\"b\\c\nd\te\r\b\f\x01\x1f", &out);
  EXPECT_EQ(out, R"(a\"b\\c\nd\te\r\b\f\u0001\u001f)");
}

TEST(TraceJsonTest, PassesUtf8Through) {
  std::string out;
  append_json_escaped("Zürich \xe2\x80\x94 東京 \x7f", &out);
  EXPECT_EQ(out, "Zürich \xe2\x80\x94 東京 \x7f");
}

TEST(TraceJsonTest, EscapedStringsRoundTrip) {
  const std::string nasty = "quote\" backslash\\ newline\n tab\t nul" + std::string(1, '\0') +
                            " unit\x1f Zürich 東京 \"\\\"";
  TraceEvent event = minimal_event();
  event.msg = nasty;
  event.detail = {nasty, ""};
  const v1::TraceEvent parsed = parse(json_line(event));
  EXPECT_EQ(parsed.msg(), nasty);
  ASSERT_EQ(parsed.detail_size(), 2);
  EXPECT_EQ(parsed.detail(0), nasty);
  EXPECT_EQ(parsed.detail(1), "");
}

class JsonlTraceWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("tearline_trace_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl");
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line + "\n");
    return out;
  }

  std::filesystem::path path_;
};

TEST_F(JsonlTraceWriterTest, WritesOneLinePerEventAndFlushesOnDestruction) {
  TraceEvent event = minimal_event();
  {
    JsonlTraceWriter writer(path_.string());
    event.msg = "m1";
    writer.write(event);
    event.msg = "m2";
    writer.write(event);
    EXPECT_EQ(writer.events_written(), 2u);
  }
  const std::vector<std::string> written = lines();
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(parse(written[0]).msg(), "m1");
  EXPECT_EQ(parse(written[1]).msg(), "m2");
}

TEST_F(JsonlTraceWriterTest, AppendsToAnExistingFile) {
  JsonlTraceWriter(path_.string()).write(minimal_event());
  JsonlTraceWriter(path_.string()).write(minimal_event());
  EXPECT_EQ(lines().size(), 2u);
}

TEST_F(JsonlTraceWriterTest, BuffersUntilFlushOrTheBufferIsFull) {
  JsonlTraceWriter writer(path_.string());
  const TraceEvent event = minimal_event();
  writer.write(event);
  EXPECT_EQ(std::filesystem::file_size(path_), 0u);
  writer.flush();
  const uintmax_t line_bytes = std::filesystem::file_size(path_);
  EXPECT_EQ(line_bytes, json_line(event).size());

  // 64 KiB of events reach the file without a flush().
  uint64_t events = 1;
  while (std::filesystem::file_size(path_) == line_bytes) {
    writer.write(event);
    ASSERT_LE(++events * line_bytes, 2 * 64 * 1024u) << "buffer never flushed";
  }
  EXPECT_GE(events * line_bytes, 64 * 1024u);
  EXPECT_EQ(std::filesystem::file_size(path_), events * line_bytes);
}

TEST_F(JsonlTraceWriterTest, WritesRandomEventsExactlyAsTheReferenceWriter) {
  RandomEvents events(3);
  std::string expected;
  {
    JsonlTraceWriter writer(path_.string());
    for (int i = 0; i < 50000; ++i) {
      TraceEvent event = events.next();
      if (i % 1000 == 0) event.run_json.assign(200 * 1024, ' ');  // Larger than the buffer.
      writer.write(event);
      expected += reference::json_line(event);
    }
  }
  std::ifstream in(path_, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(written == expected)
      << written.size() << " bytes written, " << expected.size() << " expected";
}

TEST_F(JsonlTraceWriterTest, NamesThePathWhenItCannotOpen) {
  const std::string path = "/nonexistent-tearline-dir/node.trace.jsonl";
  try {
    JsonlTraceWriter writer(path);
    FAIL() << "opened " << path;
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace tearline
