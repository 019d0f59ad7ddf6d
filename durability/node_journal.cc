#include "durability/node_journal.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "base/invariant.h"

namespace tearline {

v1::JournalHeader journal_header(const NodeIdentity& identity) {
  v1::JournalHeader header;
  header.set_format(kJournalFormat);
  header.set_node(identity.name);
  header.set_mode(identity.mode);
  header.set_seed(identity.seed);
  return header;
}

NodeJournal::NodeJournal(std::string path, const NodeIdentity& identity, std::string member,
                         bool durable)
    : path_(std::move(path)),
      member_(std::move(member)),
      durable_(durable),
      header_(journal_header(identity)) {}

size_t replayable_entries(const JournalContents& contents) {
  if (contents.committed == 0) return 0;
  size_t count = contents.committed;
  while (count < contents.entries.size() && contents.entries[count].record.has_frame()) ++count;
  TEARLINE_ASSERT(count >= contents.committed && count <= contents.entries.size());
  return count;
}

void replay_journal(NodeCore& core, const std::vector<JournalEntry>& entries, size_t count) {
  core.set_replaying(true);
  for (size_t i = 0; i < count; ++i) {
    const v1::JournalRecord& record = entries[i].record;
    switch (record.body_case()) {
      case v1::JournalRecord::kStart: {
        const v1::Start& start = record.start().start();
        if (start.has_died_at_h()) {
          core.recover(start, record.start().issuer());
        } else {
          core.start(start.begin_h(), start.incarnation(), start.end_h(), record.start().issuer());
        }
        break;
      }
      case v1::JournalRecord::kFrame:
        core.take_frame(record.frame().from(), record.frame().frame());
        break;
      case v1::JournalRecord::kFault: {
        std::string refused;  // Refused again, as the first time.
        core.apply_fault(record.fault().request(), record.fault().issuer(), &refused);
        break;
      }
      case v1::JournalRecord::kWindow:
        core.run_window(record.window());
        break;
      default:
        break;  // Commits mark durability only.
    }
  }
  core.set_replaying(false);
}

void NodeJournal::start(NodeCore& core, JsonlTraceWriter& trace, const std::string& trace_path,
                        const v1::Start& start, const std::string& issuer) {
  uint64_t keep_bytes = 0;
  if (start.has_died_at_h()) {
    const JournalContents contents = read_journal(path_, header_);
    const size_t replayed = replayable_entries(contents);
    if (replayed > 0) {
      cut_trace_to_last_commit(contents, member_, trace_path, path_);
      replay_journal(core, contents.entries, replayed);
      keep_bytes = contents.entries[replayed - 1].end_bytes;
      TEARLINE_ASSERT(keep_bytes <= contents.file_bytes);  // A torn tail is cut, never grown.
    }
    replayed_records_ = replayed;
  }
  writer_.emplace(path_, header_, keep_bytes);
  if (keep_bytes > 0) {
    core.recover(start, issuer);
  } else {
    // Nothing was committed before the process died: a plain restart.
    core.start(start.begin_h(), start.incarnation(), start.end_h(), issuer);
  }
  v1::JournalRecord record;
  *record.mutable_start()->mutable_start() = start;
  record.mutable_start()->set_issuer(issuer);
  if (keep_bytes == 0) record.mutable_start()->mutable_start()->clear_died_at_h();
  writer_->append(record);
  commit(trace);
}

void NodeJournal::record_frame(const std::string& from, const v1::Frame& frame) {
  TEARLINE_ASSERT(writer_);  // start() first.
  v1::JournalRecord record;
  record.mutable_frame()->set_from(from);
  *record.mutable_frame()->mutable_frame() = frame;
  writer_->append(record);
  writer_->write();
}

void NodeJournal::record_fault(const v1::ControlRequest& request, const std::string& issuer) {
  TEARLINE_ASSERT(writer_);  // start() first.
  v1::JournalRecord record;
  *record.mutable_fault()->mutable_request() = request;
  record.mutable_fault()->set_issuer(issuer);
  writer_->append(record);
}

void NodeJournal::record_window(const v1::Grant& grant) {
  TEARLINE_ASSERT(writer_);  // start() first.
  v1::JournalRecord record;
  *record.mutable_window() = grant;
  writer_->append(record);
}

void NodeJournal::commit(JsonlTraceWriter& trace) {
  TEARLINE_ASSERT(writer_);  // start() first.
  writer_->commit(durable_ ? trace.sync() : trace.flushed_bytes(), member_, durable_);
}

void cut_trace_to_last_commit(const JournalContents& contents, const std::string& member,
                              const std::string& trace_path, const std::string& journal_path) {
  const auto last = std::find_if(
      contents.entries.rbegin(), contents.entries.rend(), [&](const JournalEntry& entry) {
        return entry.record.has_commit() && entry.record.commit().member() == member;
      });
  if (last == contents.entries.rend()) return;
  const uint64_t trace_bytes = last->record.commit().trace_bytes();
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(trace_path, error);
  if (error || size < trace_bytes) {
    throw JournalError(
        fmt::format("the trace {} holds {} bytes, fewer than its journal {} committed ({})",
                    trace_path, error ? 0 : size, journal_path, trace_bytes));
  }
  if (size == trace_bytes) return;
  // Lines of the window that was running when the process died: it is
  // not replayed, and nothing it did left the node.
  std::filesystem::resize_file(trace_path, trace_bytes, error);
  if (error) {
    throw JournalError(fmt::format("cannot cut the trace {} back to its last commit: {}",
                                   trace_path, error.message()));
  }
}

}  // namespace tearline
