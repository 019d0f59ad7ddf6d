// Reading the trace files of one mode directory line by line, without
// copying: the files are mapped into memory and each line is handed out as
// views (EventFields). The views stay valid until the ModeScan is read again
// or destroyed.
// Internal to the analysis layers; read_mode() (trace_reader.h) and the
// streaming trace views are built on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/read/event.h"
#include "analysis/read/run_info.h"

namespace tearline::report {

class MappedFile;

class ModeScan {
 public:
  // Finds the mode's *.trace.jsonl files, sorted by name. A file that cannot
  // be opened is listed, and warned about when read.
  explicit ModeScan(const std::filesystem::path& mode_dir);
  ~ModeScan();
  ModeScan(const ModeScan&) = delete;
  ModeScan& operator=(const ModeScan&) = delete;

  // The directory's name: "bilateral" or "coordinated".
  const std::string& mode() const { return mode_; }
  // Paths, in the order read; EventFields::file indexes this.
  const std::vector<std::string>& files() const { return paths_; }

  // The RunInfo of this run (the launcher's last "run" event), or null:
  // without one, or (run_info_error() says why) when it is unreadable.
  const v1::RunInfo* run_info();
  const std::string& run_info_error();

  // Calls visit with each sound line of this run, file by file, each file in
  // line order (not time order). Appends to *warnings (if not null):
  //   - one warning per malformed line, naming file, line and what is wrong;
  //   - one warning per file holding lines of an earlier run (a reused run
  //     directory: trace files are appended to), which are skipped. Those are
  //     the launcher's lines before its last "run" event, and any line
  //     written (wall_ms) before that event.
  // Each call reads the files again, and warns again.
  void read(const std::function<void(const EventFields&)>& visit,
            std::vector<std::string>* warnings);

  // As read(), in time order: scenario time, then wall time, then file,
  // then line (as sort_in_time_order()). Merges the files (each written in
  // time order) line by line, holding one line of each. A file found out of
  // order is warned about and the mode is read again, sorted: keys of every
  // line are held then (kSortedKeyBytes a line), and `restart` is called
  // before the first event of that second reading, so the caller drops what
  // the first one visited.
  void read_in_time_order(const std::function<void(const EventFields&)>& visit,
                          const std::function<void()>& restart, std::vector<std::string>* warnings);

 private:
  class Cursor;
  friend class Cursor;

  // The k-way merge; false (having visited a prefix, and warned) when a file
  // is out of time order.
  bool merge(const std::function<void(const EventFields&)>& visit,
             std::vector<std::string>* warnings);
  // Sorts the keys of every sound line, then visits the lines in that order.
  void read_sorted(const std::function<void(const EventFields&)>& visit);
  // Whether `fields` is a line of an earlier run (see read()).
  bool earlier(const EventFields& fields);
  // The warning for the `count` lines of file `index` from an earlier run.
  std::string earlier_warning(size_t index, size_t count, size_t first, size_t last);

  struct RunStart {
    size_t launcher_file = 0;
    size_t line = 0;  // Of the last "run" event in launcher.trace.jsonl.
    std::optional<int64_t> wall_ms;
    std::optional<v1::RunInfo> info;
    std::string info_error;  // Why info is unreadable.
  };

  // Maps file `index` on first use; null if it can't be.
  const MappedFile* map(size_t index);
  // Found on first use, in launcher.trace.jsonl.
  const std::optional<RunStart>& run_start();
  // Calls visit(line, line_number) for each line that is not blank.
  template <typename Visit>
  static void for_each_line(const MappedFile& file, Visit visit);
  // Fields of `line` (fast path, or else the JSON parser), or the error.
  std::optional<std::string> parse(std::string_view line, EventFields* fields);

  std::string mode_;
  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<MappedFile>> mapped_;  // By file index; null until mapped.
  bool run_start_found_ = false;
  std::optional<RunStart> run_start_;
  // Lines the fast reader left to the JSON parser, kept so that views into
  // them stay valid.
  std::deque<Event> parsed_;
};

// What read_in_time_order() holds per line when it must sort a mode.
inline constexpr size_t kSortedKeyBytes = 32;

}  // namespace tearline::report
