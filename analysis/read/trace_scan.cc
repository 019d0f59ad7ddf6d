#include "analysis/read/trace_scan.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <system_error>
#include <tuple>

#include "analysis/read/event_json.h"
#include "analysis/read/line_reader.h"
#include "base/invariant.h"

namespace tearline::report {

namespace fs = std::filesystem;

// A file mapped read-only into memory; an empty file maps to no bytes.
class MappedFile {
 public:
  // Null if the file can't be opened, sized or mapped.
  static std::unique_ptr<MappedFile> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat info {};
    std::unique_ptr<MappedFile> file;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
      const auto size = static_cast<size_t>(info.st_size);
      if (size == 0) {
        file.reset(new MappedFile(nullptr, 0));
      } else {
        // Populated up front: faulting pages in one by one costs more.
        void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (data != MAP_FAILED) file.reset(new MappedFile(data, size));
      }
    }
    ::close(fd);
    return file;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view text() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
};

namespace {

constexpr std::string_view kTraceSuffix = ".trace.jsonl";
constexpr std::string_view kLauncherTrace = "launcher.trace.jsonl";

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The lines of one file that an earlier run wrote, for its one warning.
struct EarlierLines {
  size_t count = 0;
  size_t first = 0, last = 0;  // Line numbers.

  void add(size_t line) {
    if (count++ == 0) first = line;
    last = line;
  }
};

// The order of read_in_time_order(): scenario time, wall time, file, line.
std::tuple<double, int64_t, size_t, size_t> time_key(const EventFields& fields) {
  return {fields.t_h, fields.wall_ms.value_or(0), fields.file, fields.line};
}

}  // namespace

ModeScan::ModeScan(const fs::path& mode_dir) : mode_(mode_dir.filename().string()) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (fs::directory_iterator it(mode_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > kTraceSuffix.size() && name.ends_with(kTraceSuffix)) {
      paths.push_back(it->path());
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) paths_.push_back(path.string());
  mapped_.resize(paths_.size());
}

ModeScan::~ModeScan() = default;

const MappedFile* ModeScan::map(size_t index) {
  if (mapped_[index] == nullptr) mapped_[index] = MappedFile::open(paths_[index]);
  return mapped_[index].get();
}

template <typename Visit>
void ModeScan::for_each_line(const MappedFile& file, Visit visit) {
  const std::string_view text = file.text();
  size_t line_number = 1;
  for (size_t start = 0; start < text.size(); ++line_number) {
    const void* newline = std::memchr(text.data() + start, '\n', text.size() - start);
    const size_t end =
        newline == nullptr ? text.size() : static_cast<const char*>(newline) - text.data();
    const std::string_view line = text.substr(start, end - start);
    if (!is_blank(line)) visit(line, line_number);
    start = end + 1;
  }
}

std::optional<std::string> ModeScan::parse(std::string_view line, EventFields* fields) {
  if (read_flat_line(line, fields)) return std::nullopt;
  Event& event = parsed_.emplace_back();
  if (auto error = parse_event_json(line, &event)) {
    parsed_.pop_back();
    return error;
  }
  const size_t file = fields->file, line_number = fields->line;
  *fields = fields_of(event);
  fields->file = file;
  fields->line = line_number;
  return std::nullopt;
}

const std::optional<ModeScan::RunStart>& ModeScan::run_start() {
  if (run_start_found_) return run_start_;
  run_start_found_ = true;
  const auto launcher = std::find_if(paths_.begin(), paths_.end(), [](const std::string& path) {
    return fs::path(path).filename() == kLauncherTrace;
  });
  if (launcher == paths_.end()) return run_start_;
  const auto index = static_cast<size_t>(launcher - paths_.begin());
  const MappedFile* file = map(index);
  if (file == nullptr) return run_start_;
  for_each_line(*file, [&](std::string_view line, size_t line_number) {
    // Only "run" lines matter here, and those always take the JSON parser.
    if (line.find("\"run\"") == std::string_view::npos) return;
    Event event;
    if (!parse_event_json(line, &event) && event.kind == "run") {
      run_start_ = RunStart{index, line_number, event.wall_ms, std::nullopt, ""};
      if (event.run.is_object())
        run_start_->info = parse_run_info(event.run, &run_start_->info_error);
    }
  });
  return run_start_;
}

const v1::RunInfo* ModeScan::run_info() {
  const auto& start = run_start();
  return start && start->info ? &*start->info : nullptr;
}

const std::string& ModeScan::run_info_error() {
  static const std::string kNone;
  const auto& start = run_start();
  return start ? start->info_error : kNone;
}

bool ModeScan::earlier(const EventFields& fields) {
  const std::optional<RunStart>& start = run_start();
  if (!start) return false;
  if (fields.file == start->launcher_file) return fields.line < start->line;
  return start->wall_ms && fields.wall_ms && *fields.wall_ms < *start->wall_ms;
}

std::string ModeScan::earlier_warning(size_t index, size_t count, size_t first, size_t last) {
  return fmt::format(
      "{}:{}: {} line(s) from an earlier run skipped (lines {}-{}, written before this "
      "run's \"run\" event at {}:{})",
      paths_[index], first, count, first, last, paths_[run_start_->launcher_file],
      run_start_->line);
}

void ModeScan::read(const std::function<void(const EventFields&)>& visit,
                    std::vector<std::string>* warnings) {
  const auto warn = [warnings](std::string text) {
    if (warnings != nullptr) warnings->push_back(std::move(text));
  };
  parsed_.clear();
  EventFields fields;
  for (size_t index = 0; index < paths_.size(); ++index) {
    const MappedFile* file = map(index);
    if (file == nullptr) {
      warn(fmt::format("{}: cannot be read", paths_[index]));
      continue;
    }
    EarlierLines earlier_lines;
    for_each_line(*file, [&](std::string_view line, size_t line_number) {
      fields.file = index;
      fields.line = line_number;
      if (const auto error = parse(line, &fields)) {
        warn(fmt::format("{}:{}: malformed trace line skipped: {}", paths_[index], line_number,
                         *error));
      } else if (earlier(fields)) {
        earlier_lines.add(line_number);
      } else {
        visit(fields);
      }
    });
    if (earlier_lines.count > 0) {
      warn(earlier_warning(index, earlier_lines.count, earlier_lines.first, earlier_lines.last));
    }
  }
}

// One file's sound lines of this run, one at a time, for the merge.
class ModeScan::Cursor {
 public:
  Cursor(ModeScan* scan, size_t index, std::string_view text, std::vector<std::string>* warnings)
      : scan_(scan), index_(index), text_(text), warnings_(warnings) {
    next();
  }

  bool done() const { return done_; }
  const EventFields& fields() const { return fields_; }

  // Moves to the next sound line; warns at the end about an earlier run's.
  void next() {
    while (start_ < text_.size()) {
      const void* newline = std::memchr(text_.data() + start_, '\n', text_.size() - start_);
      const size_t end =
          newline == nullptr ? text_.size() : static_cast<const char*>(newline) - text_.data();
      const std::string_view line = text_.substr(start_, end - start_);
      const size_t line_number = line_number_++;
      start_ = end + 1;
      if (is_blank(line)) continue;
      fields_.file = index_;
      fields_.line = line_number;
      if (const auto error = scan_->parse(line, &fields_)) {
        warn(fmt::format("{}:{}: malformed trace line skipped: {}", scan_->paths_[index_],
                         line_number, *error));
      } else if (scan_->earlier(fields_)) {
        earlier_.add(line_number);
      } else {
        return;
      }
    }
    done_ = true;
    if (earlier_.count > 0) {
      warn(scan_->earlier_warning(index_, earlier_.count, earlier_.first, earlier_.last));
    }
  }

 private:
  void warn(std::string text) {
    if (warnings_ != nullptr) warnings_->push_back(std::move(text));
  }

  ModeScan* scan_;
  size_t index_;
  std::string_view text_;
  std::vector<std::string>* warnings_;
  size_t start_ = 0;
  size_t line_number_ = 1;
  EarlierLines earlier_;
  EventFields fields_;
  bool done_ = false;
};

bool ModeScan::merge(const std::function<void(const EventFields&)>& visit,
                     std::vector<std::string>* warnings) {
  std::vector<std::unique_ptr<Cursor>> cursors;
  for (size_t index = 0; index < paths_.size(); ++index) {
    const MappedFile* file = map(index);
    if (file == nullptr) {
      if (warnings != nullptr)
        warnings->push_back(fmt::format("{}: cannot be read", paths_[index]));
      continue;
    }
    cursors.push_back(std::make_unique<Cursor>(this, index, file->text(), warnings));
  }
  const auto later = [](const Cursor* a, const Cursor* b) {
    return time_key(a->fields()) > time_key(b->fields());
  };
  std::vector<Cursor*> heap;
  for (const auto& cursor : cursors) {
    if (!cursor->done()) heap.push_back(cursor.get());
  }
  std::make_heap(heap.begin(), heap.end(), later);
  std::optional<std::tuple<double, int64_t, size_t, size_t>> visited;  // The last one's key.
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor* cursor = heap.back();
    // Each file was checked in order as it was read, so the merge is.
    TEARLINE_ASSERT(!visited || *visited < time_key(cursor->fields()));
    visited = time_key(cursor->fields());
    visit(cursor->fields());
    const auto [t_h, wall_ms, file, line] = time_key(cursor->fields());
    cursor->next();
    if (cursor->done()) {
      heap.pop_back();
      continue;
    }
    const EventFields& next = cursor->fields();
    if (std::pair(next.t_h, next.wall_ms.value_or(0)) < std::pair(t_h, wall_ms)) {
      if (warnings != nullptr) {
        warnings->push_back(fmt::format(
            "{}:{}: out of time order (hour {}, wall {} ms after hour {}, wall {} ms): the mode "
            "is read again, sorted",
            paths_[file], next.line, next.t_h, next.wall_ms.value_or(0), t_h, wall_ms));
      }
      return false;
    }
    std::push_heap(heap.begin(), heap.end(), later);
  }
  return true;
}

void ModeScan::read_sorted(const std::function<void(const EventFields&)>& visit) {
  struct Key {
    double t_h;
    int64_t wall_ms;
    uint32_t file;
    uint32_t line;
  };
  static_assert(sizeof(Key) + sizeof(size_t) <= kSortedKeyBytes);
  std::vector<Key> keys;
  read(
      [&](const EventFields& fields) {
        keys.push_back({fields.t_h, fields.wall_ms.value_or(0), static_cast<uint32_t>(fields.file),
                        static_cast<uint32_t>(fields.line)});
      },
      nullptr);
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.t_h, a.wall_ms, a.file, a.line) < std::tie(b.t_h, b.wall_ms, b.file, b.line);
  });
  // Each file's line offsets, to find a line again by its number.
  std::vector<std::vector<size_t>> line_starts(paths_.size());
  for (size_t index = 0; index < paths_.size(); ++index) {
    const MappedFile* file = map(index);
    if (file == nullptr) continue;
    const std::string_view text = file->text();
    line_starts[index].push_back(0);
    for (size_t at = 0; (at = text.find('\n', at)) != std::string_view::npos; ++at) {
      line_starts[index].push_back(at + 1);
    }
  }
  EventFields fields;
  for (const Key& key : keys) {
    const std::string_view text = map(key.file)->text();
    const size_t start = line_starts[key.file][key.line - 1];
    const size_t end = std::min(text.find('\n', start), text.size());
    fields.file = key.file;
    fields.line = key.line;
    // Parsed once already, by read(): sound.
    const bool sound = !parse(text.substr(start, end - start), &fields);
    TEARLINE_ASSERT(sound);
    visit(fields);
  }
}

void ModeScan::read_in_time_order(const std::function<void(const EventFields&)>& visit,
                                  const std::function<void()>& restart,
                                  std::vector<std::string>* warnings) {
  parsed_.clear();
  if (merge(visit, warnings)) return;
  restart();
  read_sorted(visit);
}

}  // namespace tearline::report
