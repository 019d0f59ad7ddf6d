#include "common/trace.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
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
      R"({"scenario":"manchester-2017","seed":42,"ms_per_scenario_hour":10,)"
      R"("plots":[{"id":"plot.m","area":"manchester","attack_h":3384,"trace_ids":["a","b"]}],)"
      R"("units":[{"name":"unit.manchester","area":"manchester","response_h":24}],)"
      R"("agencies":["agency.uk","agency.us"]})";
  event.fault = "partition agency.us";
  event.by = "tearline fault";

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
