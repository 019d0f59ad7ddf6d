#include "analysis/exports/mode_stream.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "analysis/read/crash_losses.h"
#include "analysis/read/message_fates.h"
#include "analysis/read/trace_scan.h"
#include "base/invariant.h"

namespace tearline::trace_exports {

namespace {

using report::Event;
using report::EventFields;

// Flags in Key::offset, above any byte offset.
constexpr uint64_t kDerived = uint64_t{1} << 63;
constexpr uint64_t kLastOfMessage = uint64_t{1} << 62;
constexpr uint64_t kFlags = kDerived | kLastOfMessage;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

}  // namespace

// The mode's trace files mapped read-only (file-backed memory, not the
// process's own): lines are found by their byte offset.
class ModeStream::Files {
 public:
  explicit Files(const std::vector<std::string>& paths) {
    for (const std::string& path : paths) texts_.push_back(map(path));
  }
  ~Files() {
    for (const std::string_view text : texts_) {
      if (!text.empty()) ::munmap(const_cast<char*>(text.data()), text.size());
    }
  }
  Files(const Files&) = delete;
  Files& operator=(const Files&) = delete;

  // The line starting at `offset` of file `index`, without its newline.
  std::string_view line(size_t index, uint64_t offset) const {
    const std::string_view text = texts_.at(index);
    if (offset > text.size()) throw std::runtime_error("trace file shrank while read");
    const std::string_view rest = text.substr(offset);
    return rest.substr(0, rest.find('\n'));
  }

  // Where line `number` (1-based) of file `index` starts. Lines are asked
  // for in increasing order per file; *cursor remembers the last one.
  struct Cursor {
    size_t number = 1;
    uint64_t offset = 0;
  };
  uint64_t offset_of(size_t index, size_t number, Cursor* cursor) const {
    const std::string_view text = texts_.at(index);
    while (cursor->number < number) {
      const size_t newline = text.find('\n', cursor->offset);
      if (newline == std::string_view::npos) {
        throw std::runtime_error(fmt::format("trace file changed while read: {}", index));
      }
      cursor->offset = newline + 1;
      ++cursor->number;
    }
    return cursor->offset;
  }

 private:
  // Empty when the file is empty or can't be mapped (ModeScan warns).
  static std::string_view map(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    struct stat info {};
    std::string_view text;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
      const auto size = static_cast<size_t>(info.st_size);
      void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data != MAP_FAILED) text = {static_cast<const char*>(data), size};
    }
    ::close(fd);
    return text;
  }

  std::vector<std::string_view> texts_;
};

namespace {

// Gathered in the first pass, for add_crash_losses() and to mark where each
// message ends: the deaths and, per message, the few events its rule reads
// (indices of keys), and whether it is settled. One small entry per message,
// dropped once the stream is made.
class CrashWatch {
 public:
  template <typename Later>
  void see(const EventFields& fields, uint32_t index, Later later) {
    if (report::is_death(fields.kind, fields.reason, fields.fault)) deaths_.push_back(index);
    if (fields.msg.empty()) return;
    Seen& seen = messages_[std::string(fields.msg)];
    const auto keep_latest = [&](uint32_t* slot) {
      if (*slot == kNone || later(index, *slot)) *slot = index;
    };
    keep_latest(&seen.last);
    const std::string_view kind = fields.kind;
    if (kind == "resent" || kind == "attempt_lost") {
      keep_latest(&seen.last_on_link);
    } else if (kind != "acked" && kind != "duplicate") {
      keep_latest(&seen.last_other);
      if (kind == "received") keep_latest(&seen.last_received);
    }
    seen.settled |= report::is_terminal(kind) || kind == "in_flight";
  }

  size_t messages() const { return messages_.size(); }

  // Calls mark(index) with each message's last event.
  template <typename Mark>
  void mark_last(Mark mark) const {
    for (const auto& [id, seen] : messages_) mark(seen.last);
  }
  // The last event of `msg`, or kNone.
  uint32_t last_of(const std::string& msg) const {
    const auto it = messages_.find(msg);
    return it == messages_.end() ? kNone : it->second.last;
  }

  // The events add_crash_losses() reads to find every crash loss: the
  // deaths and, of each unsettled message, its last event, its last arrival
  // (after which the link's own events do not move it), its last event of
  // another kind than the link's own, and its last (re)transmission. On
  // those, the rule finds what it finds on all of the message's events.
  std::vector<uint32_t> evidence() const {
    std::vector<uint32_t> indices;
    if (deaths_.empty()) return indices;
    indices = deaths_;
    for (const auto& [id, seen] : messages_) {
      if (seen.settled) continue;
      const size_t first = indices.size();
      for (const uint32_t index :
           {seen.last, seen.last_received, seen.last_other, seen.last_on_link}) {
        if (index != kNone &&
            std::find(indices.begin() + first, indices.end(), index) == indices.end()) {
          indices.push_back(index);
        }
      }
    }
    return indices;
  }

 private:
  struct Seen {
    uint32_t last = kNone;
    uint32_t last_received = kNone;
    uint32_t last_other = kNone;    // Not resent, attempt_lost, acked or duplicate.
    uint32_t last_on_link = kNone;  // resent or attempt_lost.
    bool settled = false;
  };
  std::vector<uint32_t> deaths_;
  std::unordered_map<std::string, Seen> messages_;
};

}  // namespace

ModeStream::ModeStream(const std::filesystem::path& mode_dir, std::vector<std::string>* warnings) {
  report::ModeScan scan(mode_dir);
  mode_ = scan.mode();
  files_ = scan.files();
  if (const v1::RunInfo* info = scan.run_info()) run_ = *info;
  mapped_ = std::make_unique<Files>(files_);

  const auto earlier = [](const Key& a, const Key& b) {
    return std::tie(a.t_h, a.wall_ms, a.file, a.line, a.offset) <
           std::tie(b.t_h, b.wall_ms, b.file, b.line, b.offset);
  };
  std::vector<Files::Cursor> cursors(files_.size());
  CrashWatch crashes;
  scan.read(
      [&](const EventFields& fields) {
        if (keys_.size() >= kNone) throw std::runtime_error("more trace lines than can be sorted");
        const uint64_t offset = mapped_->offset_of(fields.file, fields.line, &cursors[fields.file]);
        TEARLINE_ASSERT((offset & kFlags) == 0);  // A byte offset never reaches the flags.
        keys_.push_back(Key{fields.t_h, fields.wall_ms.value_or(0),
                            static_cast<uint32_t>(fields.file), static_cast<uint32_t>(fields.line),
                            offset});
        crashes.see(
            fields, static_cast<uint32_t>(keys_.size() - 1),
            [this, &earlier](uint32_t a, uint32_t b) { return earlier(keys_[b], keys_[a]); });
      },
      warnings);

  // The crash losses, found as read_run() finds them, from the few events
  // they depend on.
  std::vector<Event> evidence;
  for (const uint32_t index : crashes.evidence()) parse(keys_[index], &evidence.emplace_back());
  report::sort_in_time_order(&evidence);
  report::add_crash_losses(&evidence);
  crashes.mark_last([this](uint32_t index) { keys_[index].offset |= kLastOfMessage; });
  for (Event& event : evidence) {
    if (!event.derived) continue;
    // The loss is its message's last event now.
    // Derived only for a message with events of its own.
    const uint32_t last = crashes.last_of(event.msg);
    TEARLINE_ASSERT(last != kNone && (keys_[last].offset & kLastOfMessage) != 0);
    keys_[last].offset &= ~kLastOfMessage;
    keys_.push_back(Key{event.t_h, event.wall_ms.value_or(0), static_cast<uint32_t>(event.file),
                        static_cast<uint32_t>(event.line),
                        kDerived | kLastOfMessage | derived_.size()});
    derived_.push_back(std::move(event));
  }
  // A derived loss sorts after its message's last event, whose time, file
  // and line it shares: its offset has the top bit set.
  std::sort(keys_.begin(), keys_.end(), earlier);
  // Each message has one last event.
  TEARLINE_ASSERT(static_cast<size_t>(std::count_if(keys_.begin(), keys_.end(), [](const Key& key) {
                    return (key.offset & kLastOfMessage) != 0;
                  })) == crashes.messages());
}

ModeStream::~ModeStream() = default;

void ModeStream::parse(const Key& key, Event* event) const {
  if ((key.offset & kDerived) != 0) {
    *event = derived_.at(key.offset & ~kFlags);
    return;
  }
  const std::string_view line = mapped_->line(key.file, key.offset & ~kFlags);
  if (const auto error = report::parse_event(line, event)) {
    throw std::runtime_error(
        fmt::format("{}:{}: changed while read: {}", files_.at(key.file), key.line, *error));
  }
  event->file = key.file;
  event->line = key.line;
}

void ModeStream::for_each(const std::function<void(const Event&)>& visit) const {
  Event event;
  for (size_t order = 0; order < keys_.size(); ++order) {
    parse(keys_[order], &event);
    event.order = order;
    visit(event);
  }
}

bool ModeStream::last_of_message(size_t order) const {
  return (keys_.at(order).offset & kLastOfMessage) != 0;
}

Event ModeStream::at(size_t order) const {
  Event event;
  parse(keys_.at(order), &event);
  event.order = order;
  return event;
}

std::vector<std::filesystem::path> mode_dirs(const std::string& run_dir) {
  return report::find_mode_dirs(run_dir);
}

}  // namespace tearline::trace_exports
