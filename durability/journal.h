// The journal file (docs/DURABILITY.md): an 8-byte magic, then records, each
//
//   u32 length (little-endian) | u32 CRC-32 of the payload | payload
//
// where the payload is a serialized v1::JournalRecord and the first record is
// the JournalHeader naming the node. Records are appended and made durable
// in groups: JournalWriter::commit() writes every record appended since the
// last commit plus a commit record, then calls fdatasync once.
//
// Reading is strict about everything but the end: a record cut short by a
// crash mid-write, or whose checksum fails with nothing after it (a torn last
// write), ends the journal; the same damage followed by more bytes, a record
// longer than kJournalRecordBytesMax, a payload that does not parse or a
// header of another node is corruption, refused with the file and the byte
// offset (recovering past it would drop what the node accepted).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "node/intake/frame_check.h"
#include "tearline/v1/journal.pb.h"

namespace tearline {

inline constexpr std::string_view kJournalMagic = "TLJRNL\r\n";
// JournalHeader.format of this layout and these records.
inline constexpr uint32_t kJournalFormat = 1;
// The largest record: a control request and its framing.
inline constexpr uint32_t kJournalRecordBytesMax = kControlRequestBytesMax + 4096;

class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JournalEntry {
  v1::JournalRecord record;
  uint64_t end_bytes = 0;  // Where it ends in the file.
};

struct JournalContents {
  // Every whole record after the header, in order.
  std::vector<JournalEntry> entries;
  // How many of them the last commit covers (the commit included).
  size_t committed = 0;
  bool torn_tail = false;  // The journal ended in a record cut or damaged.
  uint64_t file_bytes = 0;
};

// Reads the journal at `path`, which must be `expected`'s (node, mode, seed,
// format). A missing file reads as empty. Throws JournalError naming the
// file (and the byte offset) when it cannot be read or is corrupted.
JournalContents read_journal(const std::string& path, const v1::JournalHeader& expected);

// Appends to a journal; one writer per file.
class JournalWriter {
 public:
  // Opens `path` (mode 0600), keeping its first keep_bytes (what a
  // recovered journal replayed); with keep_bytes 0 it starts the file anew
  // with `header`. Throws JournalError naming the path if it cannot.
  JournalWriter(std::string path, const v1::JournalHeader& header, uint64_t keep_bytes);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Buffers `record` for the next write or commit.
  void append(const v1::JournalRecord& record);
  // Writes what was appended, without a sync: it survives the process
  // (a SIGKILL), not the machine. Throws JournalError.
  void write();
  // Writes what was appended and a commit record naming trace_bytes of
  // `member`'s trace, then (when `durable`) fdatasync: one sync for the
  // whole group. Throws JournalError.
  void commit(uint64_t trace_bytes, const std::string& member, bool durable = true);
  uint64_t commits() const { return commits_; }
  // The file's length: what was written so far.
  uint64_t written_bytes() const { return written_bytes_; }

 private:
  void write_all(std::string_view bytes);

  std::string path_;
  int fd_ = -1;
  std::string pending_;  // Framed records not yet written.
  uint64_t commits_ = 0;
  uint64_t written_bytes_ = 0;
};

// Frames one record as it lies in the file (for tests that damage one).
std::string frame_journal_record(const v1::JournalRecord& record);

}  // namespace tearline
