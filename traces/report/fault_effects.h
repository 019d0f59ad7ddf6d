// The faults section of the report: every fault injected into a mode, how
// long it lasted, and what it cost — messages it lost or delayed, and the
// plots whose intelligence those were. Internal to tearline_report.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "traces/report/message_fates.h"
#include "traces/report/trace_reader.h"

namespace tearline::report {

// [{node, t_h, fault, by, until_h, lost: {reason: n}, attempts_lost, delayed,
// plots: [ids]}], in time order. A fault lasts until the event that undoes it
// at the same node (resume, heal, link ... reset, queue ... reset, signal
// CONT, or the node's next start after a crash or kill); until_h is null if
// nothing undid it.
//
// What is charged to a fault, within its window:
// - partition: losses and lost attempts with reason "partition" at its node;
// - link: losses with reason "link-loss:injected" at its node on the link, and
//   every message sent on the link as delayed;
// - crash, signal KILL: losses with reason "crash:<node>"; messages sent to
//   the node meanwhile as delayed;
// - pause, signal STOP: messages sent to the node meanwhile as delayed;
// - queue: losses in that department, and messages queued there meanwhile
//   and served after the window as delayed.
nlohmann::json fault_effects(const std::vector<Event>& events, const MessageIndex& index,
                             const nlohmann::json& run_info);

}  // namespace tearline::report
