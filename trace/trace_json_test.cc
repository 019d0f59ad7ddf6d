// The trace event's JSON line: byte for byte as the reference writer, every
// field through the proto3 JSON mapping, numbers and escapes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "trace/trace.h"
#include "trace/trace_test_support.h"

namespace tearline {
namespace {

using namespace trace_testing;

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
  event.run =
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

}  // namespace
}  // namespace tearline
