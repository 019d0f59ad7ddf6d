// Reading a mode folder's trace files while the run writes them: each call
// hands out the complete lines written since the last, each with its file
// (an index into files(), in the order the files were found) and line. The
// live view (live_tally.h, cli/live_server.h) is built on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analysis/read/trace_reader.h"

namespace tearline::live {

class TraceTail {
 public:
  explicit TraceTail(std::filesystem::path mode_dir) : mode_dir_(std::move(mode_dir)) {}

  struct Batch {
    // The new events, each file's in line order; a line not yet ended waits
    // for its end.
    std::vector<report::Event> events;
    // A file shrank (a dead node's trace cut back to its last commit), or
    // restart() was called: the events are every file's from the start
    // again, and the caller counts afresh.
    bool restarted = false;
    // Lines that are not trace events (or longer than kLineBytesMax),
    // skipped, as the report skips them.
    size_t malformed_lines = 0;
  };
  // Reads what was added since the last call, at most kReadBytesMax a file;
  // a missing folder or file reads as empty.
  Batch read_new();
  // The next read_new() reads every file from its start again.
  void restart() { restart_ = true; }
  // The trace files found so far, in the order found; Event::file indexes
  // this, and a file keeps its index across restarts.
  const std::vector<std::string>& files() const { return paths_; }

  static constexpr size_t kLineBytesMax = 1 << 20;
  static constexpr size_t kReadBytesMax = 16 << 20;

 private:
  struct File {
    size_t index = 0;           // In paths_.
    uint64_t offset_bytes = 0;  // Read up to here.
    size_t lines = 0;           // Ended lines read.
    std::string partial;        // The start of a line not yet ended.
    bool skipping = false;      // Inside an overlong line, until its end.
  };
  void read_file(const std::filesystem::path& path, uint64_t size_bytes, File* file, Batch* batch);
  void take_line(std::string_view line, const File& file, Batch* batch);

  std::filesystem::path mode_dir_;
  std::map<std::filesystem::path, File> files_;
  std::vector<std::string> paths_;
  bool restart_ = false;
};

}  // namespace tearline::live
