// A node's journal (docs/DURABILITY.md), kept by whatever hosts its NodeCore
// (the node process, or the in-process reference run). It records what the
// core takes in, in the order it takes it in: its starts, the frames its
// peers sent, the fault commands it was given and the windows of scenario
// time it ran. Since a core's state depends on nothing else, a new process
// that replays the journal through the same code holds exactly what the old
// one held.
//
// Commit rule: the host commits after each window and each command, after
// the trace is flushed and before anything the node did is sent, so nothing
// the node acknowledged or told anyone is missing from its journal. Frames
// are written as they come (without a sync), so a process killed while it
// waits for a window's frames loses none it had read. A window that was
// running when the process died is not replayed: nothing it did left the
// node, and its trace lines are cut away.
#pragma once

#include <optional>
#include <string>

#include "durability/journal.h"
#include "node/node_core.h"
#include "trace/trace.h"

namespace tearline {

class NodeJournal {
 public:
  // The journal at `path` of the node `identity`, kept by the process
  // `member` (the node's own name, or its standby's); nothing is read or
  // written until start(). Without `durable`, commits write but do not
  // sync: the in-process run, whose nodes die only as the launcher
  // simulates, needs the records, not their survival of a power cut.
  NodeJournal(std::string path, const NodeIdentity& identity, std::string member,
              bool durable = true);

  // Carries out `start` on `core`. With start.died_at_h() set (a restart),
  // first replays the journal's committed records into `core` and cuts the
  // trace at `trace_path` back to their last commit, then recovers; without
  // it, starts the journal anew. Records the start and commits. Throws
  // JournalError (or TraceWriteError) naming the file when it cannot.
  void start(NodeCore& core, JsonlTraceWriter& trace, const std::string& trace_path,
             const v1::Start& start, const std::string& issuer);

  void record_frame(const std::string& from, const v1::Frame& frame);
  void record_fault(const v1::ControlRequest& request, const std::string& issuer);
  void record_window(const v1::Grant& grant);
  // Makes the trace and what was recorded since the last commit durable.
  void commit(JsonlTraceWriter& trace);
  // The journal file's length so far (what a standby must hold).
  uint64_t written_bytes() const { return writer_ ? writer_->written_bytes() : 0; }

  // What the last start replayed, for the log.
  uint64_t replayed_records() const { return replayed_records_; }

 private:
  std::string path_;
  std::string member_;
  bool durable_;
  v1::JournalHeader header_;
  std::optional<JournalWriter> writer_;
  uint64_t replayed_records_ = 0;
};

// The header of `identity`'s journal, which a reader expects.
v1::JournalHeader journal_header(const NodeIdentity& identity);

// What a recovery replays of `contents`: every committed record, then the
// frames written after the last commit (not a window that was running).
// Returns how many entries.
size_t replayable_entries(const JournalContents& contents);

// Cuts the trace at `trace_path`, written by `member`, back to the length
// the last of `member`'s commits in `contents` recorded: lines of a window
// that was running when the member's process died, which nothing replays.
// Nothing is cut when `member` committed nothing there. Throws JournalError.
void cut_trace_to_last_commit(const JournalContents& contents, const std::string& member,
                              const std::string& trace_path, const std::string& journal_path);

// Replays the first `count` journal entries into `core`, which writes no
// trace and sends nothing meanwhile.
void replay_journal(NodeCore& core, const std::vector<JournalEntry>& entries, size_t count);

}  // namespace tearline
