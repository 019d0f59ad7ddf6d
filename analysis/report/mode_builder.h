// One mode's report, built from its events fed one at a time in time order
// (ModeScan::read_in_time_order()): accumulators for the messages' fates
// (message_ledger.h), the handoffs (handoff_table.h), the plots
// (plot_outcomes.h), the centre (centre.h), the faults (fault_effects.h),
// the exposure (exposure.h) and the nodes' exits (node_summary.h), and a
// finish() that fills the ModeReport. Its memory grows with messages, not
// events. Internal to tearline_report. Not thread-safe: one per mode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/report/centre.h"
#include "analysis/report/exposure.h"
#include "analysis/report/fault_effects.h"
#include "analysis/ledger/handoff_table.h"
#include "analysis/read/line_reader.h"
#include "analysis/ledger/message_ledger.h"
#include "analysis/ledger/mode_context.h"
#include "analysis/report/node_summary.h"
#include "analysis/report/plot_outcomes.h"

namespace tearline::report {

class ModeBuilder {
 public:
  // `mode`: its name (warnings say it); `run_info`: the launcher's "run"
  // event's (none: no plots, no centre); `files`: the mode's trace files
  // (EventFields::file indexes them).
  ModeBuilder(std::string mode, std::optional<v1::RunInfo> run_info,
              const std::vector<std::string>& files);
  ModeBuilder(const ModeBuilder&) = delete;
  ModeBuilder& operator=(const ModeBuilder&) = delete;

  // The next event in time order.
  void add(const EventFields& event);

  // The mode's report. Appends to *warnings (if not null) that the run did
  // not finish, when its launcher died mid-run. Call once, after the last
  // event.
  v1::ModeReport finish(std::vector<std::string>* warnings);

  // The figures so far, of a run still going (the live page's): nodes not
  // seen to stop are alive, not dead with the launcher. Leaves the builder
  // as it was (it copies the per-message state finish() changes), so more
  // events may follow.
  v1::ModeReport snapshot();

 private:
  v1::ModeReport report(MessageLedger* ledger, HandoffTable* handoffs, FaultTally* faults,
                        NodeExits* nodes, bool run_over, std::vector<std::string>* warnings);

  std::string mode_;
  ModeContext context_;
  MessageLedger ledger_;
  HandoffTable handoffs_;
  PlotTracker plots_;
  CentreTally centre_;
  FaultTally faults_;
  SourceExposure exposure_;
  NodeExits nodes_;
  uint64_t order_ = 0;
  std::vector<std::optional<Kind>> kinds_;  // By kind name id, once known.
};

}  // namespace tearline::report
