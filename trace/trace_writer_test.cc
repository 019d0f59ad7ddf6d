// JsonlTraceWriter: lines to a file, buffered, appended, and the errors it
// names.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "trace/trace.h"
#include "trace/trace_test_support.h"

namespace tearline {
namespace {

using namespace trace_testing;

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
      if (i % 1000 == 0) event.run.assign(200 * 1024, ' ');  // Larger than the buffer.
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
