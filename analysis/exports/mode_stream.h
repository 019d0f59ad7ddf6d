// One mode's events in time order, without holding them: the trace files
// are mapped, a first pass keeps a 32-byte key per line (time, file, line,
// where the line starts) and sorts the keys, and each later pass parses the
// lines again in that order, one at a time. The events and their order are
// those of read_run() (export_events.h): read_mode() plus the crash losses.
// Internal to tearline_trace_exports.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/read/run_info.h"
#include "analysis/read/trace_reader.h"

namespace tearline::trace_exports {

class ModeStream {
 public:
  // Reads the mode's files once (ModeScan: malformed lines and an earlier
  // run's lines skipped, with warnings appended to *warnings, if not null).
  ModeStream(const std::filesystem::path& mode_dir, std::vector<std::string>* warnings);
  ~ModeStream();
  ModeStream(const ModeStream&) = delete;
  ModeStream& operator=(const ModeStream&) = delete;

  // The directory's name: "bilateral" or "coordinated".
  const std::string& mode() const { return mode_; }
  // The run's RunInfo, or null.
  const v1::RunInfo* run() const { return run_ ? &*run_ : nullptr; }
  // Paths of the trace files; Event::file indexes this.
  const std::vector<std::string>& files() const { return files_; }
  size_t size() const { return keys_.size(); }

  // Calls visit with each event in time order, Event::order its position.
  // The event lives until visit returns.
  void for_each(const std::function<void(const report::Event&)>& visit) const;
  // Whether the event at `order` is the last of its message (Event::msg).
  bool last_of_message(size_t order) const;
  // The event at position `order` (< size()), parsed again.
  report::Event at(size_t order) const;

 private:
  // Where an event is and when: 32 bytes per event.
  struct Key {
    double t_h = 0;
    int64_t wall_ms = 0;
    uint32_t file = 0;
    uint32_t line = 0;
    // Byte offset of the line in its file, or kDerived | index into
    // derived_; kLastOfMessage set on each message's last event.
    uint64_t offset = 0;
  };
  class Files;

  void parse(const Key& key, report::Event* event) const;

  std::string mode_;
  std::optional<v1::RunInfo> run_;
  std::vector<std::string> files_;
  std::unique_ptr<Files> mapped_;
  std::vector<Key> keys_;               // In time order.
  std::vector<report::Event> derived_;  // Crash losses; keys point here.
};

// The modes of run_dir, sorted by name.
std::vector<std::filesystem::path> mode_dirs(const std::string& run_dir);

}  // namespace tearline::trace_exports
