// The faults section of the report: every fault injected into a mode, how
// long it lasted, and what it cost — messages it lost or delayed, and the
// plots whose intelligence those were. Fed one event at a time; holds one
// record per fault and the events of the current scenario hour (a fault
// charges those at its own hour that came before it). Internal to
// tearline_report. Not thread-safe.
//
// A fault lasts until the event that undoes it at the same node (resume,
// heal, link ... reset, queue ... reset, signal CONT, or the node's next
// start after a crash or kill); until_h is absent if nothing undid it.
// What is charged to a fault, within its window (hours, both ends in):
// - partition: losses and lost attempts with reason "partition" at its node;
// - link: losses with reason "link-loss:injected" at its node on the link, and
//   every message sent on the link as delayed;
// - crash, signal KILL: losses with reason "crash:<node>"; messages sent to
//   the node meanwhile as delayed;
// - pause, signal STOP: messages sent to the node meanwhile as delayed;
// - queue: losses in that department, and messages queued there meanwhile
//   and served after the window as delayed;
// - a fault aimed at intelligence (lose, delay, withhold, share-full; it
//   lasts to the end): the events it caused, which carry its name in their
//   "fault" field: its losses, the copies a delay held as delayed, the
//   copies share-full shared as touched.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "analysis/ledger/message_ledger.h"
#include "analysis/ledger/mode_context.h"
#include "analysis/ledger/step.h"
#include "analysis/read/line_reader.h"
#include "tearline/v1/run_report.pb.h"

namespace tearline::report {

class FaultTally {
 public:
  explicit FaultTally(const ModeContext* context) : context_(context) {}

  void add(const Step& step, const EventFields& fields);
  // A loss the report derived (message_ledger.h), after every event.
  void add_loss(const DerivedLoss& loss);

  // In the order the faults took effect. After ledger.finish().
  void fill(const MessageLedger& ledger, v1::ModeReport* mode) const;

 private:
  // What a fault may be charged with, of one event.
  struct Charge {
    Kind kind = Kind::kOther;
    double t_h = 0;
    uint32_t node = 0, peer = 0, handoff = 0, reason = 0, loss_reason = 0, msg = 0;
  };
  struct Window {
    uint32_t node = 0;
    double t_h = 0;
    std::string fault, by;
    std::optional<double> until_h;
    std::string verb;    // "partition", "link", "crash", "kill", "pause", "stop", "queue", ...
    std::string target;  // link: the peer or "*"; queue: the department.
    std::map<std::string, uint32_t> lost;
    uint32_t attempts_lost = 0;
    std::set<uint32_t> delayed, touched;  // Messages; touched: lost or delayed.
    std::unordered_set<uint32_t> queued;  // queue: messages queued in the window.
  };

  // An event caused by a fault aimed at intelligence, named by `fault`.
  void charge_aimed(const Step& step, std::string_view fault);
  bool undoes(const Window& window, const Step& later, std::string_view fault) const;
  bool on_link(const Window& window, const Charge& event) const;
  void charge(Window* window, const Charge& event) const;

  const ModeContext* context_;
  std::vector<Window> windows_;
  std::vector<Charge> this_hour_;  // Events at this_hour_h_ so far.
  double this_hour_h_ = -1;
};

}  // namespace tearline::report
