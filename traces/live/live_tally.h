// What the live view shows of one mode, kept up to date event by event:
// every handoff's in, out, losses by reason, in flight and queue depth, and
// each plot's state. Counted by the report's own rules (HandoffTally, the
// warnings of plot_outcomes.h), so that a finished run's figures are the
// report's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/report/handoff_stats.h"
#include "traces/report/trace_reader.h"

namespace tearline::live {

class LiveTally {
 public:
  void add(const report::Event& event);

  // {now_h, duration_h, start_iso, events, handoffs: [{name, type, in, out, lost:
  // {reason: n}, lost_total, in_flight, depth}], plots: [{id, area,
  // attack_h, state, warnings}]}, handoffs by name. A plot's state is
  // "none" (no warning yet), "thin" (warnings, none actionable in time) or
  // "actionable" (one actionable in time: averted). depth is null except
  // for queues.
  nlohmann::json snapshot() const;

 private:
  // A message of one of a plot's reports, delivered to a unit's intake.
  struct Delivery {
    std::string msg;
    std::string unit;
    std::string trace;
    double at_h = 0;
    bool actionable_detail = false;  // Used when the unit did not act.
  };
  nlohmann::json plot_states() const;

  report::HandoffTally handoffs_;
  std::map<std::string, uint32_t> depth_msgs_;  // Queue handoff -> depth now.
  std::vector<Delivery> deliveries_;
  std::map<std::string, bool> acted_actionable_;  // Message -> its first "acted".
  nlohmann::json run_info_;
  double now_h_ = 0;
  size_t events_ = 0;
};

// The tally of a finished mode, from all its traces as the report reads
// them: with the losses the report derives for messages a node held when it
// died (crash_losses.h), which the traces alone do not show while the run
// goes. Warnings about malformed lines go to *warnings.
LiveTally final_tally(const std::filesystem::path& mode_dir, std::vector<std::string>* warnings);

}  // namespace tearline::live
