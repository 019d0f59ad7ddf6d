// The passive member's copy of a centre's journal (docs/DURABILITY.md, "Hot
// standby"): the active member's journal bytes, written where they belong
// and made durable before the passive member acknowledges them. The copy is
// the file the passive member recovers from when it takes over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tearline {

// The most journal bytes one chunk carries: a chunk travels in one data
// frame, whose size the receiving socket bounds.
inline constexpr size_t kJournalChunkBytesMax = 48 * 1024;

class JournalReplica {
 public:
  // Opens (creating, mode 0600) the copy at `path`, keeping what it holds
  // until a chunk at offset 0 starts it anew. Throws JournalError.
  explicit JournalReplica(std::string path);
  ~JournalReplica();
  JournalReplica(const JournalReplica&) = delete;
  JournalReplica& operator=(const JournalReplica&) = delete;

  // Writes `bytes` at `offset` and syncs. Offset 0 starts the copy anew;
  // any other offset must be where the copy ends (the stream is in order),
  // else false with *error saying where the gap is. Throws JournalError
  // when it cannot write.
  bool write(uint64_t offset, std::string_view bytes, std::string* error);
  // The copy's durable length.
  uint64_t durable_bytes() const { return durable_bytes_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t durable_bytes_ = 0;
};

}  // namespace tearline
