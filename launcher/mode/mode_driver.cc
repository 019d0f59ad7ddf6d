#include "launcher/mode/mode_driver.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cmath>

#include "base/peak_memory.h"
#include "launcher/fault_log.h"
#include "launcher/mode/death_notes.h"
#include "launcher/progress.h"
#include "launcher/run_info.h"
#include "node/link_layer.h"

namespace tearline {
namespace {

std::vector<std::string> names_of(const std::vector<std::pair<std::string, std::string>>& nodes) {
  std::vector<std::string> names;
  for (const auto& [name, role] : nodes) names.push_back(name);
  return names;
}

}  // namespace

ModeRun::ModeRun(const Scenario& scenario, const ModeRunOptions& options, WallClock& clock,
                 const HostFactory& make_host)
    : scenario_(scenario),
      options_(options),
      clock_(clock),
      names_(names_of(nodes_of_mode(scenario, options.mode))),
      authority_(
          names_,
          [&](const std::string& from, const std::string& to) {
            return least_transit_h(scenario, from, to);
          },
          scenario.duration_h),
      launcher_trace_((options.mode_dir / "launcher.trace.jsonl").string()),
      schedule_(schedule_for(scenario, processes_of_mode(scenario, options.mode))),
      pacer_(clock, options.ms_per_scenario_hour) {
  for (const std::string& process : processes_of_mode(scenario, options.mode)) lives_[process];
  // act_at() carries the schedule out in order.
  TEARLINE_ASSERT(std::is_sorted(schedule_.begin(), schedule_.end(),
                                 [](const auto& a, const auto& b) { return a.at_h < b.at_h; }));
  host_ = make_host(*this);
  TEARLINE_ASSERT(host_ != nullptr);
  if (const std::string standby = standby_of_mode(scenario, options.mode); !standby.empty()) {
    failover_.emplace(scenario.broker.name, standby, scenario_, options_, *host_, authority_,
                      lives_, clock_, static_cast<FailoverDriver&>(*this));
  }
}

void ModeRun::trace_launcher_event(TraceEvent event) {
  event.wall_ms = clock_.unix_ms();
  event.mode = options_.mode;
  launcher_trace_.write(event);
  launcher_trace_.flush();
}

size_t ModeRun::injected_deaths_of(const std::string& node) {
  return fault_events_.count(options_.mode_dir / (node + ".trace.jsonl"), "crash", "") +
         fault_events_.count(options_.mode_dir / "faults.trace.jsonl", "signal KILL", node);
}

std::string ModeRun::process_of(const std::string& node) const {
  return failover_ ? failover_->process_of(node) : node;
}

void ModeRun::note_exits() {
  for (const NodeExit& exit : host_->collect_exits()) {
    const std::string& name = exit.node;
    if (is_member(name)) {
      failover_->note_exit(exit);
      continue;
    }
    NodeLife& life = lives_.at(name);
    const std::optional<double> killed_at_h = life.take_kill();
    const bool caused = killed_at_h.has_value();
    // A death from outside may come in the middle of a window, after the
    // node took in what arrived before the end of its grant: it is dead from
    // there, so no message is both taken in and lost with it.
    const double at_h = caused ? *killed_at_h : authority_.granted_h(name);
    if (!caused && !stopping_) authority_.died(name, at_h);
    life.died_at_h = at_h;
    TraceEvent stopped;
    stopped.t_h = std::min(at_h, scenario_.duration_h);
    stopped.node = name;
    stopped.kind = "node_stopped";
    stopped.reason = exit.reason;
    trace_launcher_event(std::move(stopped));
    if (stopping_ && exit.clean) continue;
    judge_death(name, exit, caused, at_h);
    if (life.restart_at_h) {
      // Asked for while it ran (`tearline fault restart`): now it can wake.
      schedule_restart(name, *life.restart_at_h);
    } else if (options_.restart_delay_h) {
      schedule_restart(name, at_h + *options_.restart_delay_h);
    }
  }
}

void ModeRun::schedule_restart(const std::string& node, double at_h) {
  // A restart at or after the end would start a node that does nothing,
  // and one during the final stop could not happen at all.
  if (stopping_ || at_h >= scenario_.duration_h) return;
  NodeLife& life = lives_.at(node);
  // A restart asked for while it ran may be due before it died.
  life.restart_at_h = authority_.will_start(node, std::max(at_h, life.died_at_h.value_or(0)));
}

void ModeRun::judge_death(const std::string& name, const NodeExit& exit, bool caused, double at_h) {
  const size_t deaths = ++lives_.at(name).deaths;
  // A fault asked for it, also when it came while the nodes were stopped.
  if (caused || injected_deaths_of(name) >= deaths) {
    const std::string message =
        fmt::format("node {} stopped by an injected fault: {}", name, exit.reason);
    outcome_.injected_deaths.push_back(message);
    if (!options_.quiet) fmt::print(stderr, "\n{}: {}\n", options_.mode, message);
    return;
  }
  std::string message = unexpected_death_text(name, exit.reason, host_->stderr_tail(name));
  if (options_.restart_delay_h) {
    // Asked for: `--restart-after-h` restarts any node that dies, or would,
    // but for the end of the run.
    message += restart_note(at_h + *options_.restart_delay_h, scenario_.duration_h, stopping_);
    outcome_.restarted_deaths.push_back(message);
  } else {
    outcome_.failures.push_back(message);
  }
  fmt::print(stderr, "\ntearline run: {}\n", message);
}

bool ModeRun::bring_up(const std::string& node, double begin_h) {
  const uint32_t incarnation = authority_.incarnation(node) + 1;
  v1::Start start;
  start.set_begin_h(begin_h);
  start.set_end_h(scenario_.duration_h);
  start.set_incarnation(incarnation);
  if (const std::optional<double> died_at_h = lives_.at(node).died_at_h) {
    start.set_died_at_h(*died_at_h);
  }
  if (failover_) failover_->tell_host(node, &start);
  std::string error;
  if (!host_->start(node, start, &error)) {
    outcome_.failures.push_back(error);
    return false;
  }
  authority_.started(node, begin_h, incarnation);
  return true;
}

void ModeRun::send_ahead_commands(const std::string& only_node, double from_h) {
  for (const ScheduledAction& action : schedule_) {
    if (action.kind != ScheduledAction::Kind::kCommandAhead || action.at_h < from_h) continue;
    if (!only_node.empty() && action.node != only_node) continue;
    std::string error;
    if (!host_->command(action.node, *action.request, &error)) {
      fmt::print(stderr, "\n{}: scheduled fault on {} not accepted: {}\n", options_.mode,
                 action.node, error);
    }
  }
}

void ModeRun::await_frames_of(const std::string& node) {
  // Stopped processes are continued while they take in what was sent to
  // them and let out what they sent (the time authority still holds them,
  // so they handle nothing), then stopped again; `node` stays continued, to
  // die or be stopped.
  std::vector<std::string> held;  // Their processes.
  for (const std::string& stopped : authority_.held_nodes()) held.push_back(process_of(stopped));
  for (const std::string& stopped : held) host_->signal(stopped, SIGCONT);
  std::string error;
  if (!host_->await_frames_delivered(authority_.frames_due_around(node), &error)) {
    fmt::print(stderr, "\n{}: before killing {}: {}; the kill may not replay exactly\n",
               options_.mode, node, error);
  }
  for (const std::string& stopped : held) {
    if (stopped != process_of(node)) host_->signal(stopped, SIGSTOP);
  }
}

double ModeRun::reached_sum_h() const {
  double sum_h = 0;
  for (const std::string& name : names_) {
    if (authority_.running(name)) sum_h += authority_.reached_h(name);
  }
  return sum_h;
}

double ModeRun::stop_hour_on_interrupt() const {
  // Nodes reach different hours within a round; a node granted furthest may
  // have sent what arrives at another after that one's hour. All stop at
  // the furthest, so each message is on a link or in a node at that one
  // hour, and the stops record it once (as at the scenario's end).
  double stop_h = authority_.floor_h();
  for (const std::string& name : names_) {
    if (authority_.running(name)) stop_h = std::max(stop_h, authority_.granted_h(name));
  }
  return std::min(stop_h, scenario_.duration_h);
}

v1::ControlReply ModeRun::answer(const v1::LauncherRequest& request) {
  v1::ControlReply reply;
  reply.set_node("launcher");
  reply.set_request_id(request.request_id());
  reply.set_ok(false);
  const double now_h = authority_.floor_h();
  if (request.has_now()) {
    reply.set_ok(true);
    reply.mutable_status()->set_now_h(now_h);
  } else if (std::find(names_.begin(), names_.end(), request.node()) == names_.end() &&
             !is_member(request.node())) {
    reply.set_error("no node named \"" + request.node() + "\" in the " + options_.mode + " run");
  } else if (!request.has_restart()) {
    reply.set_error("launcher request without a command");
  } else if (!std::isfinite(request.restart().after_h()) || request.restart().after_h() < 0 ||
             request.restart().after_h() > scenario_.duration_h) {
    reply.set_error("after_h must be between 0 and the scenario's duration");
  } else if (now_h + request.restart().after_h() >= scenario_.duration_h) {
    reply.set_error(fmt::format("a restart at {:.1f} h would be past the end of the run ({:.1f} h)",
                                now_h + request.restart().after_h(), scenario_.duration_h));
  } else {
    reply.set_ok(true);
    double restart_h = now_h + request.restart().after_h();
    if (is_member(request.node())) {
      restart_h = failover_->restart_on_request(request.node(), restart_h);
    } else if (host_->running(request.node())) {
      // Its death will wake it (note_exits): the authority forgets a wake
      // hour of a running node when it dies.
      lives_.at(request.node()).restart_at_h = restart_h;
    } else {
      schedule_restart(request.node(), restart_h);
      restart_h = lives_.at(request.node()).restart_at_h.value_or(restart_h);
    }
    reply.mutable_status()->set_now_h(now_h);
    reply.set_restart_at_h(restart_h);
  }
  return reply;
}

std::optional<double> ModeRun::next_action_h() const {
  std::optional<double> next;
  for (size_t i = next_action_; i < schedule_.size(); ++i) {
    if (schedule_[i].kind != ScheduledAction::Kind::kCommandAhead) {
      next = schedule_[i].at_h;
      break;
    }
  }
  for (const auto& [node, life] : lives_) {
    if (is_member(node) || !life.restart_at_h) continue;
    if (!next || *life.restart_at_h < *next) next = life.restart_at_h;
  }
  if (const std::optional<double> member_h = failover_ ? failover_->next_h() : std::nullopt;
      member_h && (!next || *member_h < *next)) {
    next = member_h;
  }
  return next;
}

void ModeRun::act_at(double at_h) {
  for (; next_action_ < schedule_.size() && schedule_[next_action_].at_h <= at_h; ++next_action_) {
    const ScheduledAction& action = schedule_[next_action_];
    if (action.kind == ScheduledAction::Kind::kCommandAhead) continue;
    if (is_member(action.node)) {
      failover_->act_on(action);
    } else {
      act_on(action);
    }
  }
  if (failover_) failover_->act_at(at_h);
  // In name order; a restart due by at_h that another one schedules is
  // carried out too, if its node comes later.
  for (auto& [node, life] : lives_) {
    if (is_member(node) || !life.restart_at_h || *life.restart_at_h > at_h) continue;
    const double begin_h = *life.restart_at_h;
    life.restart_at_h.reset();
    restart(node, begin_h);
  }
}

void ModeRun::act_on(const ScheduledAction& action) {
  NodeLife& life = lives_.at(action.node);
  // A node the launcher has killed may not have ended yet (a crash sent
  // to a stopped process waits for it to be continued): it is dead all the
  // same, and a SIGCONT must not bring it back to the time authority.
  if (!host_->running(action.node) || life.dying()) {
    fmt::print(stderr, "\n{}: scheduled fault on {} skipped: the node is not running\n",
               options_.mode, action.node);
    return;
  }
  const bool kills = action.kind == ScheduledAction::Kind::kCrash || action.signal == SIGKILL;
  // A node stopped while what it sent is still in its sockets would hold it
  // until continued, and its receivers would wait for it, at an hour the run
  // cannot reach without them.
  if (kills || action.signal == SIGSTOP) await_frames_of(action.node);
  if (action.kind == ScheduledAction::Kind::kCrash) {
    life.killed(action.at_h);
    authority_.died(action.node, action.at_h);
    std::string ignored;  // The node crashes before it can answer.
    host_->command(action.node, *action.request, &ignored);
  } else {
    record_signal_fault(options_.mode_dir, options_.mode, action.node, action.signal, action.by,
                        action.at_h, clock_);
    if (action.signal == SIGKILL) {
      life.killed(action.at_h);
      authority_.died(action.node, action.at_h);
    } else if (action.signal == SIGSTOP) {
      authority_.held(action.node, action.continue_at_h);
    } else if (action.signal == SIGCONT) {
      authority_.released(action.node, action.at_h);
    }
    host_->signal(action.node, action.signal);
  }
  if (action.restart_after_h) schedule_restart(action.node, action.at_h + *action.restart_after_h);
}

void ModeRun::restart(const std::string& node, double begin_h) {
  if (lives_.at(node).dying()) host_->await_end(node);  // A death the launcher caused.
  note_exits();
  if (host_->running(node)) return;  // Its death did not happen.
  if (!bring_up(node, begin_h)) return;
  publish(true);
  // A journaled node recovers the commands it was sent ahead.
  if (!scenario_.journaled(node)) send_ahead_commands(node, begin_h);
  if (!options_.quiet) {
    fmt::print(stderr, "\n{}: node {} restarted at {:.1f} h\n", options_.mode, node, begin_h);
  }
}

void ModeRun::drive() {
  publish(true);
  send_ahead_commands("", 0);
  pacer_.start();
  Progress progress(options_.mode, scenario_.start_unix_s, scenario_.duration_h, !options_.quiet,
                    clock_);
  // Where every node stops: the scenario's end, or, once interrupted, the
  // furthest hour any node was granted (stop_hour_on_interrupt()).
  double end_h = scenario_.duration_h;
  bool interrupted = false;
  while (outcome_.failures.empty()) {
    if (!interrupted && options_.interrupted()) {
      interrupted = true;
      end_h = stop_hour_on_interrupt();
    }
    note_exits();
    const double cap_h = std::min(end_h, next_action_h().value_or(end_h));
    if (authority_.all_reached(cap_h)) {
      if (cap_h >= end_h) break;
      act_at(cap_h);
      continue;
    }
    pacer_.wait_for(
        authority_.floor_h(), [this](std::chrono::milliseconds step) { host_->idle(step); },
        options_.interrupted);
    const double reached_before_h = reached_sum_h();
    std::map<std::string, v1::Grant> grants = authority_.next_round(cap_h);
    if (failover_) failover_->route(&grants);
    // A round in which every node's window was empty (nothing to handle)
    // wakes nobody, yet moves them on: not stuck.
    if (grants.empty() && reached_sum_h() > reached_before_h) continue;
    if (grants.empty()) {
      outcome_.failures.push_back(fmt::format(
          "scenario time is stuck at {} h: no node can advance (a bug)", authority_.floor_h()));
      break;
    }
    for (const auto& [node, report] : host_->run_round(std::move(grants), &outcome_.failures)) {
      authority_.report(node, report);
    }
    progress.update(authority_.floor_h(),
                    pacer_.behind_h(authority_.floor_h(), scenario_.duration_h));
  }
  progress.finish(interrupted ? fmt::format("interrupted, stopping nodes at {:.2f} h", end_h)
                  : outcome_.failures.empty() ? "scenario complete, stopping nodes"
                                              : "a node failed, stopping the others");
}

void ModeRun::publish(bool live) {
  host_->publish(live,
                 {{"ms_per_scenario_hour", options_.ms_per_scenario_hour},
                  {"launcher_peak_rss_kib", peak_resident_kib()},
                  {"sync", {{"rounds", authority_.rounds()}, {"wall_s", pacer_.elapsed_s()}}}});
}

ModeOutcome ModeRun::run() {
  {
    TraceEvent event;
    event.node = "launcher";
    event.kind = "run";
    event.run = run_info_json(scenario_, options_.seed);
    trace_launcher_event(std::move(event));
  }
  for (const std::string& name : names_) {
    if (failover_ && name == failover_->node()) failover_->make_primary_active();
    bring_up(name, 0);
  }
  if (failover_ && outcome_.failures.empty()) failover_->start_standby();
  if (outcome_.failures.empty()) drive();
  note_exits();
  stopping_ = true;
  host_->stop_all(&outcome_.failures);
  note_exits();
  publish(false);
  outcome_.rounds = authority_.rounds();
  outcome_.wall_s = pacer_.elapsed_s();
  return outcome_;
}

}  // namespace tearline
