#include "launcher/mode/centre_failover.h"

#include <fmt/format.h>
#include <signal.h>

#include <utility>

#include "durability/journal.h"
#include "durability/node_journal.h"
#include "launcher/fault_log.h"

namespace tearline {

CentreFailover::CentreFailover(std::string node, std::string standby, const Scenario& scenario,
                               const ModeRunOptions& options, NodeHost& host,
                               TimeAuthority& authority, NodeLives& lives, const WallClock& clock,
                               FailoverDriver& driver)
    : node_(std::move(node)),
      standby_(std::move(standby)),
      scenario_(scenario),
      options_(options),
      host_(host),
      authority_(authority),
      lives_(lives),
      clock_(clock),
      driver_(driver) {
  TEARLINE_ASSERT(!node_.empty() && !standby_.empty() && node_ != standby_);
}

void CentreFailover::cut_trace(const std::string& keeper, const std::string& traced) const {
  try {
    const std::string journal = (options_.mode_dir / (keeper + ".journal")).string();
    cut_trace_to_last_commit(
        read_journal(journal, journal_header({node_, options_.mode, options_.seed})), traced,
        (options_.mode_dir / (traced + ".trace.jsonl")).string(), journal);
  } catch (const JournalError& error) {
    fmt::print(stderr, "\n{}: {}\n", options_.mode, error.what());
  }
}

std::string CentreFailover::process_of(const std::string& node) const {
  if (node == node_ && !active_.empty()) return active_;
  return node;
}

void CentreFailover::tell_host(const std::string& node, v1::Start* start) const {
  if (node != node_ && !active_.empty() && active_ != node_) {
    (*start->mutable_hosts())[node_] = active_;
  }
}

void CentreFailover::route(std::map<std::string, v1::Grant>* grants) const {
  for (auto& [node, grant] : *grants) {
    for (v1::PeerState& peer : *grant.mutable_peers()) {
      if (peer.node() == node_ && peer.up()) peer.set_member(active_);
    }
  }
}

void CentreFailover::make_primary_active() {
  host_.set_host(node_, node_);
  active_ = node_;
  whole_ = {node_};
}

void CentreFailover::start_standby() { start_passive(standby_, 0); }

void CentreFailover::start_passive(const std::string& member, double at_h) {
  std::string error;
  if (!host_.launch_passive(member, &error)) {
    driver_.fail(error);
    return;
  }
  passive_ = member;
  passive_whole_ = false;
  if (!active_.empty()) stream_to(member, at_h);
  check_pair();
}

void CentreFailover::stream_to(const std::string& member, double at_h) {
  v1::ControlRequest request;
  request.set_issued_by("launcher");
  request.mutable_replicate()->set_member(member);
  std::string error;
  // Answered once the passive member holds the whole journal.
  if (!host_.command(node_, request, &error)) {
    fmt::print(stderr, "\n{}: {} cannot stream its journal to {}: {}\n", options_.mode, active_,
               member, error);
    return;
  }
  passive_ = member;
  passive_whole_ = true;
  whole_.insert(member);
  TraceEvent event;
  event.t_h = at_h;
  event.node = node_;
  event.kind = "standby_started";
  event.peer = member;
  driver_.trace_launcher_event(std::move(event));
}

void CentreFailover::on_active_death(const std::string& member, double at_h) {
  authority_.died(node_, at_h);
  lives_[node_].died_at_h = at_h;
  active_.clear();
  if (!passive_.empty() && passive_whole_ && host_.running(passive_)) {
    failover_at_h_ = authority_.will_start(node_, at_h + scenario_.broker.failover_after_h);
    whole_ = {member, passive_};
    if (!options_.quiet) {
      fmt::print(stderr, "\n{}: {} died at {:.2f} h; {} takes over at {:.2f} h\n", options_.mode,
                 member, at_h, passive_, *failover_at_h_);
    }
  } else if (const std::optional<double> restart_h = lives_[member].restart_at_h) {
    lives_[member].restart_at_h = authority_.will_start(node_, *restart_h);
  }
}

void CentreFailover::on_passive_death(const std::string& member) {
  if (passive_ == member) {
    passive_.clear();
    passive_whole_ = false;
  }
  whole_.erase(member);
  if (active_.empty()) return;
  // The active member stops waiting for a copy that no longer grows.
  v1::ControlRequest gone;
  gone.set_issued_by("launcher");
  gone.mutable_peer_gone()->set_node(member);
  std::string ignored;
  host_.command(node_, gone, &ignored);
}

void CentreFailover::note_exit(const NodeExit& exit) {
  check_pair();
  const std::string& member = exit.node;
  NodeLife& life = lives_[member];
  const std::optional<double> killed_at_h = life.take_kill();
  const bool caused = killed_at_h.has_value();
  bool was_active = member == active_;
  double at_h = was_active ? authority_.granted_h(node_) : authority_.floor_h();
  if (caused) {
    at_h = *killed_at_h;
    was_active = std::exchange(life.killed_while_active, false);
  }
  TraceEvent stopped;
  stopped.t_h = std::min(at_h, scenario_.duration_h);
  stopped.node = node_;
  stopped.kind = was_active ? "node_stopped" : "standby_stopped";
  stopped.peer = member;
  stopped.reason = exit.reason;
  driver_.trace_launcher_event(std::move(stopped));
  if (was_active && !exit.clean) {
    // Lines of a window that was running when it died: the member that
    // takes over runs that window again (and fail_over() cuts more if its
    // copy lacks windows this member committed).
    cut_trace(member, member);
  }
  if (driver_.stopping() && exit.clean) return;
  driver_.judge_death(member, exit, caused, at_h);
  if (driver_.stopping() || caused) return;
  if (options_.restart_delay_h) schedule_restart(member, at_h + *options_.restart_delay_h);
  if (was_active) {
    on_active_death(member, at_h);
  } else {
    on_passive_death(member);
  }
}

void CentreFailover::schedule_restart(const std::string& member, double at_h) {
  // A restart at or after the end would start a member that does nothing,
  // and one during the final stop could not happen at all.
  if (driver_.stopping() || at_h >= scenario_.duration_h) return;
  NodeLife& life = lives_[member];
  if (!life.restart_at_h) life.restart_at_h = at_h;
}

double CentreFailover::restart_on_request(const std::string& member, double at_h) {
  TEARLINE_ASSERT(has(member));
  lives_[member].restart_at_h =
      active_.empty() && !failover_at_h_ ? authority_.will_start(node_, at_h) : at_h;
  return *lives_[member].restart_at_h;
}

std::optional<double> CentreFailover::next_h() const {
  std::optional<double> next = failover_at_h_;
  for (const std::string& member : {node_, standby_}) {
    const auto life = lives_.find(member);
    if (life == lives_.end() || !life->second.restart_at_h) continue;
    if (!next || *life->second.restart_at_h < *next) next = life->second.restart_at_h;
  }
  return next;
}

void CentreFailover::act_at(double at_h) {
  check_pair();
  if (failover_at_h_ && *failover_at_h_ <= at_h) fail_over(*failover_at_h_);
  // In name order; a restart due by at_h that another one schedules is
  // carried out too, if its member comes later.
  for (const std::string& member : std::set<std::string>{node_, standby_}) {
    NodeLife& life = lives_[member];
    if (!life.restart_at_h || *life.restart_at_h > at_h) continue;
    const double begin_h = *life.restart_at_h;
    life.restart_at_h.reset();
    restart(member, begin_h);
  }
}

void CentreFailover::fail_over(double at_h) {
  failover_at_h_.reset();
  // The death is recorded before the takeover.
  for (const std::string& member : {node_, standby_}) {
    if (lives_[member].killed_while_active) host_.await_end(member);
  }
  driver_.note_exits();
  const std::string to = passive_;
  const std::string from = other(to);
  if (to.empty() || !host_.running(to)) {
    // The passive member died before it could take over: the centre waits
    // for a member whose journal is whole.
    fmt::print(stderr, "\n{}: no member can take over the centre at {:.2f} h\n", options_.mode,
               at_h);
    authority_.will_start(node_, scenario_.duration_h);
    return;
  }
  host_.set_host(node_, to);
  active_ = to;
  passive_.clear();
  passive_whole_ = false;
  whole_ = {to};
  TraceEvent event;
  event.t_h = at_h;
  event.node = node_;
  event.kind = "failover";
  event.peer = to;
  event.reason = from;
  driver_.trace_launcher_event(std::move(event));
  if (!driver_.bring_up(node_, at_h)) return;
  // A member killed from outside may have committed windows that its copy
  // did not hold yet (their outputs waited for it, so nothing they did left
  // the member): `to` has just replayed its copy and runs those windows
  // again, so their lines go from `from`'s trace, or they would be there
  // twice (two fates) or be lines of messages `to` never holds.
  cut_trace(to, from);
  driver_.publish(true);
  if (!options_.quiet) {
    fmt::print(stderr, "\n{}: {} took over the centre from {} at {:.2f} h\n", options_.mode, to,
               from, at_h);
  }
  // The member it took over from may be back already, and passive.
  if (host_.running(from) && !lives_[from].dying()) stream_to(from, at_h);
}

void CentreFailover::restart(const std::string& member, double begin_h) {
  if (lives_[member].dying()) host_.await_end(member);
  driver_.note_exits();
  if (host_.running(member)) return;  // Its death did not happen.
  if (!active_.empty() || failover_at_h_) {
    // The other member is (or is about to be) active: this one is passive.
    start_passive(member, begin_h);
  } else if (whole_.contains(member)) {
    host_.set_host(node_, member);
    active_ = member;
    whole_ = {member};
    if (!driver_.bring_up(node_, begin_h)) return;
    driver_.publish(true);
    const std::string other_member = other(member);
    if (host_.running(other_member) && !lives_[other_member].dying()) {
      stream_to(other_member, begin_h);
    }
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
               active_ == member ? "active" : "passive");
  }
}

void CentreFailover::act_on(const ScheduledAction& action) {
  check_pair();
  const std::string& member = action.node;
  if (!host_.running(member) || lives_[member].dying()) {
    fmt::print(stderr, "\n{}: scheduled fault on {} skipped: the process is not running\n",
               options_.mode, member);
    return;
  }
  const bool active = member == active_;
  const bool kills = action.kind == ScheduledAction::Kind::kCrash || action.signal == SIGKILL;
  if (action.restart_after_h) {
    // A scheduled fault's restart replaces one already planned.
    lives_[member].restart_at_h.reset();
    schedule_restart(member, action.at_h + *action.restart_after_h);
  }
  if (kills) {
    if (active) {
      driver_.await_frames_of(node_);
      std::string error;
      if (passive_whole_ && !host_.await_copy(node_, passive_, &error)) {
        fmt::print(stderr, "\n{}: before killing {}: {}; the failover may not replay exactly\n",
                   options_.mode, member, error);
      }
      lives_[member].killed_while_active = true;
    }
    lives_[member].killed(action.at_h);
    if (active) {
      on_active_death(member, action.at_h);
    } else {
      on_passive_death(member);
    }
    if (active && action.kind == ScheduledAction::Kind::kCrash) {
      std::string ignored;  // The node crashes before it can answer.
      host_.command(node_, *action.request, &ignored);
    } else {
      // A passive member holds no state a crash could leave: it is killed.
      record_signal_fault(options_.mode_dir, options_.mode, member, SIGKILL, action.by, action.at_h,
                          clock_);
      host_.signal(member, SIGKILL);
    }
    return;
  }
  record_signal_fault(options_.mode_dir, options_.mode, member, action.signal, action.by,
                      action.at_h, clock_);
  if (active) {
    if (action.signal == SIGSTOP) {
      driver_.await_frames_of(node_);  // As for any node (ModeRun::act_on).
      authority_.held(node_, action.continue_at_h);
    } else {
      authority_.released(node_, action.at_h);
    }
  } else if (action.signal == SIGSTOP) {
    on_passive_death(member);  // A stopped copy no longer grows: it is not whole.
    passive_ = member;
  }
  host_.signal(member, action.signal);
  if (!active && action.signal == SIGCONT && !active_.empty()) stream_to(member, action.at_h);
}

}  // namespace tearline
