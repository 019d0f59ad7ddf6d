#include "analysis/report/fault_effects.h"

#include <algorithm>

namespace tearline::report {
namespace {

bool chargeable(Kind kind) {
  return is_loss(kind) || kind == Kind::kAttemptLost || is_send(kind) || kind == Kind::kQueued ||
         kind == Kind::kServed;
}

}  // namespace

bool FaultTally::undoes(const Window& window, const Step& later, std::string_view fault) const {
  if (later.node != window.node) return false;
  if (window.verb == "crash" || window.verb == "kill") return later.kind == Kind::kNodeStarted;
  if (later.kind != Kind::kFault) return false;
  if (window.verb == "pause") return fault == "resume";
  if (window.verb == "partition") return fault == "heal";
  if (window.verb == "stop") return fault == "signal CONT";
  if (window.verb == "link")
    return fault == "link " + window.target + " reset" || fault == "link * reset";
  if (window.verb == "queue") return fault == "queue " + window.target + " reset";
  return false;
}

bool FaultTally::on_link(const Window& window, const Charge& event) const {
  if (event.node != window.node) return false;
  const std::string& handoff = context_->names.name(event.handoff);
  const std::string& node = context_->names.name(window.node);
  if (window.target == "*") return handoff.starts_with(node + "->");
  return handoff == node + "->" + window.target;
}

void FaultTally::charge(Window* window, const Charge& event) const {
  const bool inside =
      event.t_h >= window->t_h && (!window->until_h || event.t_h <= *window->until_h);
  if (!inside && !(window->verb == "queue" && event.kind == Kind::kServed)) return;
  const std::string& reason = context_->names.name(event.reason);
  const std::string& node = context_->names.name(window->node);
  const std::string& verb = window->verb;
  bool charged = false;
  if (is_loss(event.kind) || event.kind == Kind::kAttemptLost) {
    if (verb == "partition") charged = reason == "partition" && event.node == window->node;
    if (verb == "link") charged = reason == "link-loss:injected" && on_link(*window, event);
    if (verb == "crash" || verb == "kill") charged = reason == "crash:" + node;
    if (verb == "queue") {
      charged = context_->names.name(event.handoff) == window->target && event.node == window->node;
    }
  }
  if (charged) {
    if (event.kind == Kind::kAttemptLost) {
      ++window->attempts_lost;
    } else {
      ++window->lost[context_->names.name(event.loss_reason)];
    }
    window->touched.insert(event.msg);
    return;
  }
  if (!inside) {
    // Queued during a queue fault and served after it.
    if (window->queued.contains(event.msg) && window->until_h && event.t_h > *window->until_h) {
      window->delayed.insert(event.msg);
    }
    return;
  }
  if (verb == "link" && event.kind == Kind::kSent && on_link(*window, event)) {
    window->delayed.insert(event.msg);
  }
  if ((verb == "pause" || verb == "stop" || verb == "crash" || verb == "kill") &&
      is_send(event.kind) && event.peer == window->node) {
    window->delayed.insert(event.msg);
  }
  if (verb == "queue" && event.kind == Kind::kQueued &&
      context_->names.name(event.handoff) == window->target && event.node == window->node) {
    window->queued.insert(event.msg);
  }
}

void FaultTally::charge_aimed(const Step& step, std::string_view fault) {
  // The latest such fault at the node: given twice, the second decides.
  const auto window = std::find_if(windows_.rbegin(), windows_.rend(), [&](const Window& w) {
    return w.node == step.node && w.fault == fault;
  });
  if (window == windows_.rend()) return;
  if (window->verb == "delay") {
    // Passed on late, whatever the sharing policy then decided.
    window->delayed.insert(step.msg);
  } else if (is_loss(step.kind)) {
    ++window->lost[context_->names.name(step.loss_reason)];
    window->touched.insert(step.msg);
  } else {
    window->touched.insert(step.msg);
  }
}

void FaultTally::add(const Step& step, const EventFields& fields) {
  if (step.t_h != this_hour_h_) {
    this_hour_.clear();
    this_hour_h_ = step.t_h;
  }
  if (step.kind == Kind::kFault || step.kind == Kind::kNodeStarted) {
    for (Window& window : windows_) {
      if (!window.until_h && undoes(window, step, fields.fault)) window.until_h = step.t_h;
    }
  }
  if (step.kind == Kind::kFault) {
    Window window;
    window.node = step.node;
    window.t_h = step.t_h;
    window.fault = std::string(fields.fault);
    window.by = std::string(fields.by);
    const size_t space = window.fault.find(' ');
    window.verb = window.fault.substr(0, space);
    if (window.verb == "signal") {
      window.verb = window.fault == "signal KILL"   ? "kill"
                    : window.fault == "signal STOP" ? "stop"
                                                    : "signal";
    } else if (space != std::string::npos) {
      const size_t next = window.fault.find(' ', space + 1);
      window.target =
          window.fault.substr(space + 1, next == std::string::npos ? next : next - space - 1);
    }
    const bool undo = window.verb == "resume" || window.verb == "heal" || window.verb == "signal" ||
                      window.fault.ends_with(" reset");
    if (!undo) {
      // Events of this hour before the fault are in its window too.
      for (const Charge& earlier : this_hour_) charge(&window, earlier);
      windows_.push_back(std::move(window));
    }
  }
  if (step.kind != Kind::kFault && !fields.fault.empty() && step.msg != 0) {
    return charge_aimed(step, fields.fault);
  }
  if (!chargeable(step.kind) || step.msg == 0) return;
  const Charge event{step.kind,    step.t_h,    step.node,        step.peer,
                     step.handoff, step.reason, step.loss_reason, step.msg};
  for (Window& window : windows_) charge(&window, event);
  this_hour_.push_back(event);
}

void FaultTally::add_loss(const DerivedLoss& loss) {
  const Charge event{Kind::kLost,        loss.event.t_h,    loss.event.node,        loss.event.peer,
                     loss.event.handoff, loss.event.reason, loss.event.loss_reason, loss.msg};
  for (Window& window : windows_) charge(&window, event);
}

void FaultTally::fill(const MessageLedger& ledger, v1::ModeReport* mode) const {
  const auto& plots_by_trace = context_->plots_by_trace();
  for (const Window& window : windows_) {
    v1::FaultEffect* effect = mode->add_faults();
    effect->set_node(context_->names.name(window.node));
    effect->set_t_h(window.t_h);
    effect->set_fault(window.fault);
    effect->set_by(window.by);
    if (window.until_h) effect->set_until_h(*window.until_h);
    for (const auto& [reason, count] : window.lost) (*effect->mutable_lost())[reason] = count;
    effect->set_attempts_lost(window.attempts_lost);
    effect->set_delayed(static_cast<uint32_t>(window.delayed.size()));
    std::set<std::string> plots;
    std::set<uint32_t> touched = window.touched;
    touched.insert(window.delayed.begin(), window.delayed.end());
    for (const uint32_t msg : touched) {
      const auto found = plots_by_trace.find(ledger.trace_of(msg));
      if (found == plots_by_trace.end()) continue;
      for (const uint32_t plot : found->second)
        plots.insert(context_->run_info()->plots(static_cast<int>(plot)).id());
    }
    for (const std::string& plot : plots) effect->add_plots(plot);
  }
}

}  // namespace tearline::report
