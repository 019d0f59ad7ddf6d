#include "launcher/fault_schedule.h"

#include <signal.h>

#include <algorithm>

namespace tearline {
namespace {

v1::ControlRequest undo_of(const FaultSpec& fault) {
  v1::ControlRequest request;
  request.set_issued_by(fault.request.issued_by());
  if (fault.command == "pause") request.mutable_resume();
  if (fault.command == "partition") request.mutable_heal();
  if (fault.command == "link") {
    request.mutable_link()->set_peer(fault.request.link().peer());
    request.mutable_link()->set_reset(true);
  }
  if (fault.command == "queue") {
    request.mutable_queue()->set_name(fault.request.queue().name());
    request.mutable_queue()->set_reset(true);
  }
  request.set_at_h(fault.at_h + *fault.for_h);
  return request;
}

}  // namespace

std::vector<ScheduledAction> schedule_for(const Scenario& scenario,
                                          const std::vector<std::string>& nodes) {
  std::vector<ScheduledAction> actions;
  for (const FaultSpec& fault : scenario.faults) {
    if (std::find(nodes.begin(), nodes.end(), fault.node) == nodes.end()) continue;
    ScheduledAction action;
    action.at_h = fault.at_h;
    action.node = fault.node;
    action.restart_after_h = fault.restart_after_h;
    action.by = fault.request.issued_by();
    if (fault.command == "kill" || fault.command == "stop") {
      action.kind = ScheduledAction::Kind::kSignal;
      action.signal = fault.command == "kill" ? SIGKILL : SIGSTOP;
      if (fault.command == "stop" && fault.for_h) action.continue_at_h = fault.at_h + *fault.for_h;
    } else if (fault.command == "crash") {
      action.kind = ScheduledAction::Kind::kCrash;
      action.request = fault.request;
      action.request->clear_at_h();
    } else {
      action.request = fault.request;
      action.request->set_at_h(fault.at_h);
    }
    actions.push_back(action);
    if (!fault.for_h) continue;
    ScheduledAction undo;
    undo.at_h = fault.at_h + *fault.for_h;
    undo.node = fault.node;
    undo.by = action.by;
    if (fault.command == "stop") {
      undo.kind = ScheduledAction::Kind::kSignal;
      undo.signal = SIGCONT;
    } else {
      undo.request = undo_of(fault);
    }
    actions.push_back(undo);
  }
  std::stable_sort(
      actions.begin(), actions.end(),
      [](const ScheduledAction& a, const ScheduledAction& b) { return a.at_h < b.at_h; });
  return actions;
}

}  // namespace tearline
