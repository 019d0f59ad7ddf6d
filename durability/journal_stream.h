// The active member's side of a centre's hot standby (docs/DURABILITY.md,
// "Hot standby"): its journal file, streamed to the passive member in
// chunks from the first byte and then as it grows, and how much of it the
// passive member has made durable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tearline/v1/journal.pb.h"

namespace tearline {

class JournalStream {
 public:
  // Streams the journal at `journal_path`, written by `from_member`, to
  // `to_member`. Throws JournalError if it cannot open the file.
  JournalStream(std::string journal_path, std::string from_member, std::string to_member);
  ~JournalStream();
  JournalStream(const JournalStream&) = delete;
  JournalStream& operator=(const JournalStream&) = delete;

  const std::string& to_member() const { return to_member_; }
  // The chunks that carry the file from where the last ones ended up to
  // `written_bytes`. Throws JournalError if it cannot read the file.
  std::vector<v1::Replication> next_chunks(uint64_t written_bytes);
  // The passive member's answer.
  void acknowledged(const v1::ReplicaAck& ack);
  // What the passive member holds durably.
  uint64_t durable_bytes() const { return durable_bytes_; }

 private:
  std::string journal_path_;
  std::string from_member_;
  std::string to_member_;
  int fd_ = -1;
  uint64_t sent_bytes_ = 0;
  uint64_t durable_bytes_ = 0;
};

}  // namespace tearline
