// Each message's fate, kept as the events stream by (mode_builder.h): one
// compact record per message id, never the events themselves. Decides at
// finish() what message_fates.h decides from all events (the same rules:
// decide_fate(), served_again_without_journal()), after adding the losses
// of nodes that died holding messages (crash_losses.h's rules). Internal to
// tearline_report. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/read/line_reader.h"
#include "analysis/read/message_fates.h"
#include "analysis/ledger/mode_context.h"
#include "analysis/ledger/step.h"

namespace tearline::report {

// A message's event as its fate needs it.
struct EventRef {
  uint64_t order = 0;
  double t_h = 0;
  std::optional<int64_t> wall_ms;
  uint32_t node = 0, handoff = 0, reason = 0, loss_reason = 0, peer = 0, kind_name = 0;
  Kind kind = Kind::kOther;
};

struct MessageState {
  uint32_t parent = 0;  // msgs id; 0 when none.
  uint32_t trace = 0;   // The first trace id among its events.
  // Detail lists (MessageLedger::detail()): its created event's, and the
  // latest of its events that lists any; 0 when none.
  uint32_t created_detail = 0, latest_detail = 0;
  int8_t acted = -1;  // Its first "acted": 1 actionable, 0 not; -1 none.
  bool created = false;
  bool has_in_flight = false;
  bool served_again_without_journal = false;
  Fate fate = Fate::kUnaccounted;   // Decided by finish().
  uint32_t unaccounted_reason = 0;  // names id, when unaccounted.
  uint32_t terminals = 0;
  uint64_t created_order = 0;
  EventRef first_terminal, last_terminal, in_flight, last;
  // Where a node that died held it (crash_losses.h): its last event but the
  // sender's retransmissions after the receiver took it in (a late timer, an
  // acknowledgement handled late: they do not move it), and of those the
  // last that put it somewhere (not an acknowledgement, nor a duplicate's
  // arrival).
  EventRef last_move, last_placed;
  bool has_last_placed = false;
  uint32_t received_on = 0;  // The handoff it last arrived by ("received").

  // The event deciding the fate (finish()): terminal, in_flight or last.
  const EventRef& end() const;
};

// A loss finish() added: a message a node died holding.
struct DerivedLoss {
  uint32_t msg = 0;
  EventRef event;
};

class MessageLedger {
 public:
  explicit MessageLedger(ModeContext* context) : context_(context) {}

  // Room for about `count` messages, so that growing copies none.
  void reserve(size_t count) { messages_.reserve(count); }

  // `fields`: the event's, for its detail, actionable and fault.
  void add(const Step& step, const EventFields& fields);

  // Adds the losses of the nodes that died holding messages (when the run is
  // over, those of the nodes whose last life the launcher never saw end too:
  // they died with it, at their last event) and decides every fate. Returns
  // the losses it added. Call once (on a copy for a snapshot).
  std::vector<DerivedLoss> finish(bool run_over);

  // Fills counts, losses by reason and the unaccounted messages.
  void fill(v1::ModeReport* mode) const;

  // Nodes whose last life the launcher never saw end, sorted by name.
  const std::vector<uint32_t>& died_with_launcher() const { return died_with_launcher_; }

  // Indexed by msgs id (0 unused).
  const std::vector<MessageState>& messages() const { return messages_; }
  // The trace of `msg`, its own or its nearest ancestor's; 0 if none.
  uint32_t trace_of(uint32_t msg) const;
  const std::vector<std::string>& detail(uint32_t id) const { return details_[id]; }

 private:
  struct Death {
    double t_h = 0;
    int64_t wall_ms = 0;  // 0 when the event gave none.
    uint32_t loss_reason = 0;
  };

  uint32_t detail_id(const std::vector<std::string_view>& detail);
  MessageState& state(uint32_t msg);
  const Death* first_death_after(uint32_t node, const EventRef& at) const;
  void add_launcher_deaths();
  std::vector<DerivedLoss> add_crash_losses();
  void decide(MessageState* message);

  ModeContext* context_;
  std::vector<MessageState> messages_{1};
  std::vector<std::vector<std::string>> details_{1};
  std::unordered_map<std::string, uint32_t> detail_ids_;
  // By node: its starts that recovered nothing, by order; its deaths in time
  // order; lives begun (in its own file) minus ended (launcher); last event.
  std::unordered_map<uint32_t, std::vector<uint64_t>> restarts_;
  std::unordered_map<uint32_t, std::vector<Death>> deaths_;
  std::unordered_map<uint32_t, int> lives_unended_;
  std::unordered_map<uint32_t, EventRef> last_event_;
  std::vector<uint32_t> died_with_launcher_;
};

// The deepest lineage trace_of() and the report follow: a chain of parents
// longer than this (or a cycle) is not one a run makes.
inline constexpr int kLineageDepthMax = 64;

}  // namespace tearline::report
