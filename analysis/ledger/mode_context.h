// What every accumulator of one mode's report shares: the interned names,
// the mode's files and its RunInfo. Internal to tearline_report. Not
// thread-safe: one per mode, used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tearline/v1/trace.pb.h"
#include "analysis/read/interner.h"

namespace tearline::report {

class ModeContext {
 public:
  // `files`: the mode's trace file paths (Step::file indexes them).
  ModeContext(std::optional<v1::RunInfo> run_info, const std::vector<std::string>& files);

  Interner names;  // Nodes, handoffs, reasons, kinds, traces, sources, detail fields.
  Interner msgs;   // Message ids.

  const std::optional<v1::RunInfo>& run_info() const { return run_info_; }
  // A file's name without ".trace.jsonl": a node, a centre's member, or a tool.
  const std::string& stem(uint32_t file) const { return stems_[file]; }
  bool is_launcher_file(uint32_t file) const { return stems_[file] == "launcher"; }
  // Written by a node (or a centre's member), not by the launcher or the fault tools.
  bool is_node_file(uint32_t file) const;
  bool is_agency(uint32_t node) const { return agencies_.contains(node); }
  bool is_unit(uint32_t node) const { return units_.contains(node); }
  // The centre of the RunInfo: a node other than the launcher that is none of
  // its agencies and units; false without a RunInfo.
  bool is_centre(uint32_t node) const;
  // Plot ids by trace id (names), from the RunInfo.
  const std::unordered_map<uint32_t, std::vector<uint32_t>>& plots_by_trace() const {
    return plots_by_trace_;
  }

 private:
  std::optional<v1::RunInfo> run_info_;
  std::vector<std::string> stems_;
  std::unordered_set<uint32_t> agencies_, units_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> plots_by_trace_;  // Plot index by trace.
};

}  // namespace tearline::report
