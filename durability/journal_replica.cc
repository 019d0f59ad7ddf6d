#include "durability/journal_replica.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/invariant.h"
#include "durability/journal.h"

namespace tearline {

JournalReplica::JournalReplica(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  const off_t end = fd_ < 0 ? -1 : ::lseek(fd_, 0, SEEK_END);
  if (end < 0) {
    const std::string reason = std::strerror(errno);
    if (fd_ >= 0) ::close(fd_);
    throw JournalError(fmt::format("cannot open journal copy {}: {}", path_, reason));
  }
  durable_bytes_ = static_cast<uint64_t>(end);
}

JournalReplica::~JournalReplica() { ::close(fd_); }

bool JournalReplica::write(uint64_t offset, std::string_view bytes, std::string* error) {
  if (bytes.size() > kJournalChunkBytesMax) {
    *error = fmt::format("a chunk of {} bytes (at most {})", bytes.size(), kJournalChunkBytesMax);
    return false;
  }
  if (offset != 0 && offset != durable_bytes_) {
    *error = fmt::format("a chunk at byte {} of a copy that holds {}", offset, durable_bytes_);
    return false;
  }
  const auto fail = [&](const char* what) {
    throw JournalError(
        fmt::format("cannot {} journal copy {}: {}", what, path_, std::strerror(errno)));
  };
  if (offset == 0 && ::ftruncate(fd_, 0) != 0) fail("truncate");
  const uint64_t end = offset + bytes.size();
  uint64_t at = offset;
  while (!bytes.empty()) {
    const ssize_t written = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(at));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) fail("write");
    bytes.remove_prefix(static_cast<size_t>(written));
    at += static_cast<uint64_t>(written);
  }
  if (::fdatasync(fd_) != 0) fail("sync");
  TEARLINE_ASSERT(at == end);  // Whole chunks only: the copy stays a prefix of the journal.
  durable_bytes_ = at;
  return true;
}

}  // namespace tearline
