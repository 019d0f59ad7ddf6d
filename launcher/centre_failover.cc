// A centre with a hot standby, as the launcher runs it (CentrePair in
// mode_run_internal.h; docs/DURABILITY.md, "Hot standby").
#include <fmt/format.h>
#include <signal.h>

#include "durability/journal.h"
#include "durability/node_journal.h"
#include "launcher/fault_log.h"
#include "launcher/mode_run_internal.h"

namespace tearline::internal {
namespace {

// Cuts the trace of the member `traced` back to its last commit in the
// journal of the member `keeper`: the lines of windows nothing will replay.
void cut_member_trace(const ModeRunOptions& options, const std::string& node,
                      const std::string& keeper, const std::string& traced) {
  try {
    const std::string journal = (options.mode_dir / (keeper + ".journal")).string();
    cut_trace_to_last_commit(
        read_journal(journal, journal_header({node, options.mode, options.seed})), traced,
        (options.mode_dir / (traced + ".trace.jsonl")).string(), journal);
  } catch (const JournalError& error) {
    fmt::print(stderr, "\n{}: {}\n", options.mode, error.what());
  }
}

}  // namespace

std::string ModeRun::process_of(const std::string& node) const {
  if (pair_ && node == pair_->node && !pair_->active.empty()) return pair_->active;
  return node;
}

void ModeRun::start_passive(const std::string& member, double at_h) {
  std::string error;
  if (!host_->launch_passive(member, &error)) {
    outcome_.failures.push_back(error);
    return;
  }
  pair_->passive = member;
  pair_->passive_whole = false;
  if (!pair_->active.empty()) stream_to(member, at_h);
}

void ModeRun::stream_to(const std::string& member, double at_h) {
  v1::ControlRequest request;
  request.set_issued_by("launcher");
  request.mutable_replicate()->set_member(member);
  std::string error;
  // Answered once the passive member holds the whole journal.
  if (!host_->command(pair_->node, request, &error)) {
    fmt::print(stderr, "\n{}: {} cannot stream its journal to {}: {}\n", options_.mode,
               pair_->active, member, error);
    return;
  }
  pair_->passive = member;
  pair_->passive_whole = true;
  pair_->whole.insert(member);
  TraceEvent event;
  event.t_h = at_h;
  event.node = pair_->node;
  event.kind = "standby_started";
  event.peer = member;
  trace_launcher_event(std::move(event));
}

void ModeRun::on_active_death(const std::string& member, double at_h) {
  CentrePair& pair = *pair_;
  authority_.died(pair.node, at_h);
  died_at_h_[pair.node] = at_h;
  pair.active.clear();
  if (!pair.passive.empty() && pair.passive_whole && host_->running(pair.passive)) {
    pair.failover_at_h = at_h + scenario_.broker.failover_after_h;
    pair.whole = {member, pair.passive};
    authority_.will_start(pair.node, *pair.failover_at_h);
    if (!options_.quiet) {
      fmt::print(stderr, "\n{}: {} died at {:.2f} h; {} takes over at {:.2f} h\n", options_.mode,
                 member, at_h, pair.passive, *pair.failover_at_h);
    }
  } else if (const auto restart = member_restart_at_h_.find(member);
             restart != member_restart_at_h_.end()) {
    authority_.will_start(pair.node, restart->second);
  }
}

void ModeRun::on_passive_death(const std::string& member) {
  CentrePair& pair = *pair_;
  if (pair.passive == member) {
    pair.passive.clear();
    pair.passive_whole = false;
  }
  pair.whole.erase(member);
  if (pair.active.empty()) return;
  // The active member stops waiting for a copy that no longer grows.
  v1::ControlRequest gone;
  gone.set_issued_by("launcher");
  gone.mutable_peer_gone()->set_node(member);
  std::string ignored;
  host_->command(pair.node, gone, &ignored);
}

void ModeRun::note_member_exit(const NodeExit& exit) {
  CentrePair& pair = *pair_;
  const std::string& member = exit.node;
  const auto known = death_at_h_.find(member);
  const bool caused = known != death_at_h_.end();
  bool was_active = member == pair.active;
  double at_h = was_active ? authority_.granted_h(pair.node) : authority_.floor_h();
  if (caused) {
    at_h = known->second;
    death_at_h_.erase(known);
    was_active = active_deaths_.erase(member) > 0;
  }
  TraceEvent stopped;
  stopped.t_h = std::min(at_h, scenario_.duration_h);
  stopped.node = pair.node;
  stopped.kind = was_active ? "node_stopped" : "standby_stopped";
  stopped.peer = member;
  stopped.reason = exit.reason;
  trace_launcher_event(std::move(stopped));
  if (was_active && !exit.clean) {
    // Lines of a window that was running when it died: the member that
    // takes over runs that window again (and fail_over() cuts more if its
    // copy lacks windows this member committed).
    cut_member_trace(options_, pair.node, member, member);
  }
  if (stopping_ && exit.clean) return;
  judge_death(member, exit, caused, at_h);
  if (stopping_ || caused) return;
  if (options_.restart_delay_h) schedule_member_restart(member, at_h + *options_.restart_delay_h);
  if (was_active) {
    on_active_death(member, at_h);
  } else {
    on_passive_death(member);
  }
}

void ModeRun::fail_over(double at_h) {
  CentrePair& pair = *pair_;
  pair.failover_at_h.reset();
  // The death is recorded before the takeover.
  for (const std::string& member : {pair.node, pair.standby}) {
    if (active_deaths_.contains(member)) host_->await_end(member);
  }
  note_exits();
  const std::string to = pair.passive;
  const std::string from = pair.other(to);
  if (to.empty() || !host_->running(to)) {
    // The passive member died before it could take over: the centre waits
    // for a member whose journal is whole.
    fmt::print(stderr, "\n{}: no member can take over the centre at {:.2f} h\n", options_.mode,
               at_h);
    authority_.will_start(pair.node, scenario_.duration_h);
    return;
  }
  host_->set_host(pair.node, to);
  pair.active = to;
  pair.passive.clear();
  pair.passive_whole = false;
  pair.whole = {to};
  TraceEvent event;
  event.t_h = at_h;
  event.node = pair.node;
  event.kind = "failover";
  event.peer = to;
  event.reason = from;
  trace_launcher_event(std::move(event));
  if (!bring_up(pair.node, at_h)) return;
  // A member killed from outside may have committed windows that its copy
  // did not hold yet (their outputs waited for it, so nothing they did left
  // the member): `to` has just replayed its copy and runs those windows
  // again, so their lines go from `from`'s trace, or they would be there
  // twice (two fates) or be lines of messages `to` never holds.
  cut_member_trace(options_, pair.node, to, from);
  publish(true);
  if (!options_.quiet) {
    fmt::print(stderr, "\n{}: {} took over the centre from {} at {:.2f} h\n", options_.mode, to,
               from, at_h);
  }
  // The member it took over from may be back already, and passive.
  if (host_->running(from) && !death_at_h_.contains(from)) stream_to(from, at_h);
}

void ModeRun::restart_member(const std::string& member, double begin_h) {
  CentrePair& pair = *pair_;
  if (death_at_h_.contains(member)) host_->await_end(member);
  note_exits();
  if (host_->running(member)) return;  // Its death did not happen.
  if (!pair.active.empty() || pair.failover_at_h) {
    // The other member is (or is about to be) active: this one is passive.
    start_passive(member, begin_h);
  } else if (pair.whole.contains(member)) {
    host_->set_host(pair.node, member);
    pair.active = member;
    pair.whole = {member};
    if (!bring_up(pair.node, begin_h)) return;
    publish(true);
    const std::string other = pair.other(member);
    if (host_->running(other) && !death_at_h_.contains(other)) stream_to(other, begin_h);
  } else {
    // Its journal lacks what the other member committed since: it waits,
    // passive, for a member with a whole journal (the guide's backup does
    // not serve alone).
    start_passive(member, begin_h);
    fmt::print(stderr, "\n{}: {} restarted passive: its journal is not whole\n", options_.mode,
               member);
    return;
  }
  if (!options_.quiet) {
    fmt::print(stderr, "\n{}: {} restarted at {:.1f} h ({})\n", options_.mode, member, begin_h,
               pair.active == member ? "active" : "passive");
  }
}

void ModeRun::act_on_member(const ScheduledAction& action) {
  CentrePair& pair = *pair_;
  const std::string& member = action.node;
  if (!host_->running(member) || death_at_h_.contains(member)) {
    fmt::print(stderr, "\n{}: scheduled fault on {} skipped: the process is not running\n",
               options_.mode, member);
    return;
  }
  const bool active = member == pair.active;
  const bool kills = action.kind == ScheduledAction::Kind::kCrash || action.signal == SIGKILL;
  if (action.restart_after_h) {
    // A scheduled fault's restart replaces one already planned.
    member_restart_at_h_.erase(member);
    schedule_member_restart(member, action.at_h + *action.restart_after_h);
  }
  if (kills) {
    if (active) {
      await_frames_of(pair.node);
      std::string error;
      if (pair.passive_whole && !host_->await_copy(pair.node, pair.passive, &error)) {
        fmt::print(stderr, "\n{}: before killing {}: {}; the failover may not replay exactly\n",
                   options_.mode, member, error);
      }
      active_deaths_.insert(member);
    }
    death_at_h_[member] = action.at_h;
    if (active) {
      on_active_death(member, action.at_h);
    } else {
      on_passive_death(member);
    }
    if (active && action.kind == ScheduledAction::Kind::kCrash) {
      std::string ignored;  // The node crashes before it can answer.
      host_->command(pair.node, *action.request, &ignored);
    } else {
      // A passive member holds no state a crash could leave: it is killed.
      record_signal_fault(options_.mode_dir, options_.mode, member, SIGKILL, action.by,
                          action.at_h);
      host_->signal(member, SIGKILL);
    }
    return;
  }
  record_signal_fault(options_.mode_dir, options_.mode, member, action.signal, action.by,
                      action.at_h);
  if (active) {
    if (action.signal == SIGSTOP) {
      authority_.held(pair.node, action.continue_at_h);
    } else {
      authority_.released(pair.node, action.at_h);
    }
  } else if (action.signal == SIGSTOP) {
    on_passive_death(member);  // A stopped copy no longer grows: it is not whole.
    pair.passive = member;
  }
  host_->signal(member, action.signal);
  if (!active && action.signal == SIGCONT && !pair.active.empty()) stream_to(member, action.at_h);
}

}  // namespace tearline::internal
