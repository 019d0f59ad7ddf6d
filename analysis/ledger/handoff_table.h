// The handoff table of the report, fed one event at a time in time order:
// per link, queue and sharing decision (handoff_stats.h's classify_handoff()
// and its rules), messages in, out, lost by reason and in flight, and the
// delays. Counts are of distinct messages. Holds per message and handoff one
// small passage record, and per handoff one value per delay. Internal to
// tearline_report. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/read/handoff_stats.h"
#include "analysis/ledger/mode_context.h"
#include "analysis/ledger/step.h"

namespace tearline::report {

class HandoffTable {
 public:
  explicit HandoffTable(const ModeContext* context) : context_(context) {}

  void add(const Step& step);
  // A loss the report derived (a message a node died holding).
  void add_loss(uint32_t handoff, uint32_t msg, uint32_t loss_reason);

  // The rows, sorted by name, each with its delay histogram; a row where
  // in != out + lost + in flight is an anomaly ("handoff_balance").
  void fill(v1::ModeReport* mode) const;

 private:
  struct Stamp {
    double t_h = 0;
    int64_t wall_ms = 0;
    bool set = false, has_wall = false;
  };
  // One message's way through one handoff; the first event of each step counts.
  struct Passage {
    Stamp start, dequeued, end;
    bool in = false, out = false, in_flight = false;
  };
  struct Row {
    HandoffName name;
    uint32_t in = 0, out = 0, in_flight = 0;
    std::map<uint32_t, uint32_t> lost;  // Loss reason -> messages.
    uint32_t resent = 0, attempts_lost = 0, acked = 0, shared_full = 0, sanitised = 0;
  };
  // Durations between two steps of every passage that has both.
  struct Durations {
    std::vector<double> hours;
    std::vector<int64_t> wall_ms;
    void add(const Stamp& from, const Stamp& to);
  };
  struct RowDurations {
    Durations delay, wait, service;
  };

  // Null for a handoff that is not a row (HandoffType::kOther).
  Row* row(uint32_t handoff);
  void fill_row(const Row& row, RowDurations* durations, v1::Handoff* out) const;

  const ModeContext* context_;
  std::unordered_map<uint32_t, Row> rows_;
  std::unordered_map<uint32_t, bool> not_rows_;
  std::unordered_map<uint64_t, Passage> passages_;             // By handoff << 32 | msg.
  std::set<std::tuple<uint32_t, uint32_t, uint32_t>> losses_;  // (handoff, msg, reason).
};

}  // namespace tearline::report
