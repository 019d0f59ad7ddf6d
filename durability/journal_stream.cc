#include "durability/journal_stream.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/invariant.h"
#include "durability/journal.h"
#include "durability/journal_replica.h"

namespace tearline {

JournalStream::JournalStream(std::string journal_path, std::string from_member,
                             std::string to_member)
    : journal_path_(std::move(journal_path)),
      from_member_(std::move(from_member)),
      to_member_(std::move(to_member)) {
  fd_ = ::open(journal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw JournalError(fmt::format("cannot open journal {} to stream it to {}: {}", journal_path_,
                                   to_member_, std::strerror(errno)));
  }
}

JournalStream::~JournalStream() { ::close(fd_); }

std::vector<v1::Replication> JournalStream::next_chunks(uint64_t written_bytes) {
  std::vector<v1::Replication> chunks;
  while (sent_bytes_ < written_bytes) {
    const size_t size =
        static_cast<size_t>(std::min<uint64_t>(written_bytes - sent_bytes_, kJournalChunkBytesMax));
    std::string bytes(size, '\0');
    size_t done = 0;
    while (done < size) {
      const ssize_t got =
          ::pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(sent_bytes_ + done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        throw JournalError(fmt::format("cannot read journal {} at byte {} to stream it: {}",
                                       journal_path_, sent_bytes_ + done,
                                       got == 0 ? "it is shorter" : std::strerror(errno)));
      }
      done += static_cast<size_t>(got);
    }
    v1::JournalChunk* chunk = chunks.emplace_back().mutable_chunk();
    chunk->set_from_member(from_member_);
    chunk->set_offset(sent_bytes_);
    chunk->set_data(std::move(bytes));
    sent_bytes_ += size;
  }
  TEARLINE_ASSERT(durable_bytes_ <= sent_bytes_);
  return chunks;
}

void JournalStream::acknowledged(const v1::ReplicaAck& ack) {
  // Only what was sent can be durable there (a stale ack from an earlier
  // copy must not release anything).
  if (ack.member() == to_member_ && ack.durable_bytes() <= sent_bytes_) {
    durable_bytes_ = std::max(durable_bytes_, ack.durable_bytes());
  }
  TEARLINE_ASSERT(durable_bytes_ <= sent_bytes_);  // Only what was sent is durable there.
}

}  // namespace tearline
