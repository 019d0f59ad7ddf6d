#include "durability/journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "base/invariant.h"

namespace tearline {
namespace {

constexpr size_t kFrameHeaderBytes = 8;

uint32_t checksum(std::string_view payload) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
}

void put_u32(std::string* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t get_u32(const std::string& bytes, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

std::string describe(const v1::JournalHeader& header) {
  return fmt::format("{} ({} mode, seed {}, format {})", header.node(), header.mode(),
                     header.seed(), header.format());
}

}  // namespace

std::string frame_journal_record(const v1::JournalRecord& record) {
  const std::string payload = record.SerializeAsString();
  // What read_journal() refuses as corrupted, no writer of ours may write.
  TEARLINE_ASSERT(payload.size() <= kJournalRecordBytesMax);
  std::string framed;
  framed.reserve(kFrameHeaderBytes + payload.size());
  put_u32(&framed, static_cast<uint32_t>(payload.size()));
  put_u32(&framed, checksum(payload));
  framed += payload;
  return framed;
}

JournalContents read_journal(const std::string& path, const v1::JournalHeader& expected) {
  JournalContents contents;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return contents;
    throw JournalError(fmt::format("cannot read journal {}: {}", path, std::strerror(errno)));
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw JournalError("cannot read journal " + path);
  const auto corrupted = [&](size_t at, const std::string& what) {
    return JournalError(
        fmt::format("journal {} is corrupted at byte {}: {}; it is not recovered, since what "
                    "follows could not be replayed",
                    path, at, what));
  };
  contents.file_bytes = bytes.size();
  if (bytes.size() < kJournalMagic.size()) {
    // Cut before its first record: nothing was committed.
    contents.torn_tail = !bytes.empty();
    return contents;
  }
  if (std::string_view(bytes).substr(0, kJournalMagic.size()) != kJournalMagic) {
    throw JournalError("journal " + path + " is not a tearline journal (wrong magic bytes)");
  }

  size_t at = kJournalMagic.size();
  bool header_seen = false;
  while (at < bytes.size()) {
    const size_t left = bytes.size() - at;
    if (left < kFrameHeaderBytes) {
      contents.torn_tail = true;
      break;
    }
    const uint32_t length = get_u32(bytes, at);
    if (length > kJournalRecordBytesMax) {
      throw corrupted(
          at, fmt::format("a record of {} bytes (at most {})", length, kJournalRecordBytesMax));
    }
    if (left < kFrameHeaderBytes + length) {
      contents.torn_tail = true;
      break;
    }
    const std::string_view payload(bytes.data() + at + kFrameHeaderBytes, length);
    const bool last = left == kFrameHeaderBytes + length;
    if (checksum(payload) != get_u32(bytes, at + 4)) {
      if (last) {
        contents.torn_tail = true;
        break;
      }
      throw corrupted(at, "checksum mismatch");
    }
    v1::JournalRecord record;
    if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size())) ||
        record.body_case() == v1::JournalRecord::BODY_NOT_SET) {
      throw corrupted(at, "a record that is not a journal record");
    }
    const size_t record_at = at;
    at += kFrameHeaderBytes + length;
    if (!header_seen) {
      if (!record.has_header()) throw corrupted(kJournalMagic.size(), "no header record");
      if (record.header().SerializeAsString() != expected.SerializeAsString()) {
        throw JournalError(fmt::format("journal {} belongs to {}, not to {}", path,
                                       describe(record.header()), describe(expected)));
      }
      header_seen = true;
      continue;
    }
    if (record.has_header()) throw corrupted(record_at, "a second header record");
    const bool commit = record.has_commit();
    contents.entries.push_back({std::move(record), at});
    if (commit) contents.committed = contents.entries.size();
  }
  TEARLINE_ASSERT(contents.committed <= contents.entries.size());
  TEARLINE_ASSERT(contents.entries.empty() || contents.entries.back().end_bytes <= bytes.size());
  return contents;
}

JournalWriter::JournalWriter(std::string path, const v1::JournalHeader& header, uint64_t keep_bytes)
    : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0 ||
      ::lseek(fd_, 0, SEEK_END) < 0) {
    const std::string reason = std::strerror(errno);
    if (fd_ >= 0) ::close(fd_);
    throw JournalError(fmt::format("cannot open journal {}: {}", path_, reason));
  }
  written_bytes_ = keep_bytes;
  if (keep_bytes == 0) {
    pending_ = kJournalMagic;
    v1::JournalRecord record;
    *record.mutable_header() = header;
    append(record);
  }
}

JournalWriter::~JournalWriter() { ::close(fd_); }

void JournalWriter::append(const v1::JournalRecord& record) {
  pending_ += frame_journal_record(record);
}

void JournalWriter::write() {
  write_all(pending_);
  pending_.clear();
}

void JournalWriter::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      throw JournalError(fmt::format("cannot write journal {}: {}", path_, std::strerror(errno)));
    }
    TEARLINE_ASSERT(static_cast<size_t>(written) <= bytes.size());
    bytes.remove_prefix(static_cast<size_t>(written));
    written_bytes_ += static_cast<uint64_t>(written);
  }
}

void JournalWriter::commit(uint64_t trace_bytes, const std::string& member, bool durable) {
  v1::JournalRecord record;
  record.mutable_commit()->set_trace_bytes(trace_bytes);
  record.mutable_commit()->set_member(member);
  append(record);
  write();
  TEARLINE_ASSERT(pending_.empty());  // Committed: every record before it is written.
  if (durable && ::fdatasync(fd_) != 0) {
    throw JournalError(fmt::format("cannot sync journal {}: {}", path_, std::strerror(errno)));
  }
  ++commits_;
}

}  // namespace tearline
