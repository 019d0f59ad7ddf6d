// Trace events and where they go. The schema is proto/tearline/v1/trace.proto;
// TraceEvent below is its in-memory form (trace_event.h), serialised to one
// JSON line by append_json_line() without going through protobuf reflection
// (tracing is on the hot path of every hop).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace_event.h"

namespace tearline {

// The writer's event: names as views, other strings owned, the run as the
// JSON object to write verbatim (empty for none).
using TraceEvent = TraceEventFields<std::string_view, std::string, Plain, std::string>;

// Appends `event` as one JSON object and a newline to `out`.
void append_json_line(const TraceEvent& event, std::string* out);
// Appends `text` JSON-escaped, without quotes.
void append_json_escaped(std::string_view text, std::string* out);

// Receives trace events. The node runtime fills node, mode and wall time.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceEvent& event) = 0;
};

// A trace file that cannot be opened or written (a full disk, a run folder
// removed or unwritable). what() names the file and the cause.
class TraceWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes JSON Lines to a file, buffered; flush() makes what was written
// durable against a crash of this process (not of the machine).
class JsonlTraceWriter : public TraceSink {
 public:
  // Opens `path` for appending. Throws TraceWriteError naming the path if
  // it cannot.
  explicit JsonlTraceWriter(const std::string& path);
  ~JsonlTraceWriter() override;
  JsonlTraceWriter(const JsonlTraceWriter&) = delete;
  JsonlTraceWriter& operator=(const JsonlTraceWriter&) = delete;

  void write(const TraceEvent& event) override;
  // Throws TraceWriteError naming the path if the write fails (the
  // buffered events are then lost).
  void flush();
  // Flushes and makes the file durable (fdatasync); returns its size in
  // bytes, what a journal commit records (docs/DURABILITY.md). Throws
  // TraceWriteError naming the path if it cannot.
  uint64_t sync();
  // Flushes without making durable; returns the file's size in bytes.
  uint64_t flushed_bytes();
  uint64_t events_written() const { return events_written_; }

 private:
  static constexpr size_t kBufferFlushBytes = 64 * 1024;
  std::string path_;  // For error messages.
  std::FILE* file_;
  // Lines are written straight into buffer_ (twice kBufferFlushBytes, grown
  // only for a larger event); its first buffered_bytes_ are pending.
  std::vector<char> buffer_;
  size_t buffered_bytes_ = 0;
  uint64_t events_written_ = 0;
};

// Keeps events in memory, for tests.
class MemoryTraceSink : public TraceSink {
 public:
  void write(const TraceEvent& event) override { events.push_back(event); }
  std::vector<TraceEvent> events;
};

}  // namespace tearline
