// Was each plot averted, how early, by which path, where did the copies that
// did not arrive die, what did the sharing decisions do to them, and every
// copy's way (the timeline's lanes). Fed one event at a time; keeps only
// the plots' messages' events (few) and the warnings and sharing decisions
// (one small record each). Internal to tearline_report. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/read/line_reader.h"
#include "analysis/ledger/message_ledger.h"
#include "analysis/ledger/mode_context.h"
#include "analysis/ledger/step.h"

namespace tearline::report {

// True if `detail` lets a unit act: a subject, and a site or a window. A
// warning the unit did not act on (no "acted" event) is judged by it.
bool has_actionable_detail(const std::vector<std::string>& detail);

// A plot lists at most this many copies (PlotOutcome.copies); the rest are
// counted in copies_omitted.
inline constexpr size_t kPlotCopiesMax = 200;

class PlotTracker {
 public:
  explicit PlotTracker(ModeContext* context) : context_(context) {}

  // After `ledger` took the same event.
  void add(const Step& step, const EventFields& fields, const MessageLedger& ledger);

  // One PlotOutcome per plot of the RunInfo (none without one). A warning is
  // a "delivered" event in handoff intake@U of a message of one of the
  // plot's traces, U a unit of the plot's area; it is actionable in time
  // when its "acted" event says actionable (or, lacking one, its detail has
  // subject and site or window) and it arrived no later than attack_h - U's
  // response_h. `centre`: the centre's node (names id), 0 when none, for
  // centre_member. After ledger.finish().
  void fill(const MessageLedger& ledger, uint32_t centre, v1::ModeReport* mode) const;

 private:
  struct Delivery {
    uint32_t msg = 0, unit = 0, trace = 0, detail = 0;  // trace, detail: the event's.
    double t_h = 0;
  };
  struct Decision {
    Kind kind = Kind::kOther;  // kSanitised or kWithheld.
    uint32_t msg = 0, trace = 0, handoff = 0, node = 0, peer = 0, detail = 0, reason = 0;
    uint32_t source_value = 0;
    std::optional<double> trust, full_trust_min, sanitised_trust_min;
  };
  // An event of a plot's message.
  struct PlotEvent {
    uint64_t order = 0;
    double t_h = 0;
    uint32_t node = 0, handoff = 0, file = 0, attempt = 0;
    Kind kind = Kind::kOther;
  };

  bool is_plot_trace(uint32_t trace) const;
  const std::vector<PlotEvent>* events_of(uint32_t msg) const;
  std::vector<std::string> path_of(const MessageLedger& ledger, uint32_t msg) const;
  std::optional<uint32_t> centre_member(const MessageLedger& ledger, uint32_t msg,
                                        uint32_t centre) const;
  void fill_copy(const MessageLedger& ledger, uint32_t msg, v1::Copy* copy) const;
  void fill_plot(const MessageLedger& ledger, const v1::RunInfo::Plot& plot,
                 const std::vector<uint32_t>& msgs, uint32_t centre, v1::PlotOutcome* out) const;

  ModeContext* context_;
  std::vector<Delivery> deliveries_;
  std::vector<Decision> decisions_;
  std::unordered_map<uint32_t, std::vector<PlotEvent>> plot_events_;  // By message.
};

}  // namespace tearline::report
