// What the live view shows of one mode while it runs: the report's own
// figures so far. Its trace files are tailed (trace_tail.h) and each new
// batch of lines is fed, in the report's time order, to the report's
// builder (report::ModeBuilder), so reading and feeding cost what was
// written since the last update, and snapshot() (ModeBuilder::snapshot())
// copies the per-message state, never reading an event again. Besides, it
// keeps what the report does not: each queue's depth now, the scenario time
// reached and the lines read.
//
// The builder takes its trace files and RunInfo when it is made, so a file
// found later (a fault tool's) or the "run" event arriving after the first
// lines makes it start again from the files' beginnings: that happens once
// per file at most, or when a file shrinks (a dead node's trace cut back).
//
// A batch is what the files held when read: lines of different files that
// land in different batches are fed in the order read, not merged by time
// (a run's report reads them all at once, merged), so a figure may show a
// message one step behind for one update. The final figures are the
// report's (build_report), not this.
//
// Not thread-safe: one per mode, used under the live server's lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tearline/v1/run_report.pb.h"
#include "analysis/live/trace_tail.h"

namespace tearline::report {
class ModeBuilder;
}

namespace tearline::live {

class LiveTally {
 public:
  explicit LiveTally(std::filesystem::path mode_dir);
  ~LiveTally();
  LiveTally(const LiveTally&) = delete;
  LiveTally& operator=(const LiveTally&) = delete;

  // Reads what the trace files gained since the last call and feeds it to
  // the builder; true if anything changed.
  bool update();

  // The report's figures of what was read so far (nodes not seen to stop are
  // alive), but a handoff's in flight, which the nodes write only when they
  // stop: here it is what the handoff took in and has neither passed on nor
  // lost. Costs a copy of the per-message state: call it at most about once
  // a second.
  v1::ModeReport snapshot();

  double now_h() const { return now_h_; }
  size_t events() const { return events_; }
  size_t malformed_lines() const { return malformed_lines_; }
  // Queue handoff -> its depth at its latest event.
  const std::map<std::string, uint32_t>& depths() const { return depth_msgs_; }

 private:
  // Feeds one batch in time order; false if the builder must start again
  // (a file or the run event it was made without).
  bool feed(std::vector<report::Event>* events);
  void forget();

  std::filesystem::path mode_dir_;
  TraceTail tail_;
  std::unique_ptr<report::ModeBuilder> builder_;
  size_t builder_files_ = 0;  // Files the builder was made with.
  bool builder_has_run_ = false;
  std::map<std::string, uint32_t> depth_msgs_;
  double now_h_ = 0;
  size_t events_ = 0;
  size_t malformed_lines_ = 0;
};

// The live page's JSON of one mode's figures (`report`: a snapshot, or the
// final report's mode) and its tally's extras:
// {now_h, duration_h, start_iso, events, malformed_lines,
//  handoffs: [{name, type, in, out, lost: {reason: n}, lost_total,
//  in_flight, depth}], plots: [{id, area, attack_h, state, warnings}]},
// handoffs by name. A plot's state is "none" (no warning yet), "thin"
// (warnings, none actionable in time) or "actionable" (averted). depth is
// null except for queues.
nlohmann::json figures_json(const v1::ModeReport& report, const LiveTally& tally);

}  // namespace tearline::live
