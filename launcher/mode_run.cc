#include "launcher/mode_run.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "base/clock.h"
#include "node/link_layer.h"
#include "runtime/node_runtime.h"
#include "base/peak_memory.h"
#include "trace/trace.h"
#include "launcher/fault_event_counter.h"
#include "launcher/fault_log.h"
#include "launcher/fault_schedule.h"
#include "launcher/in_process_host.h"
#include "launcher/mode_run_internal.h"
#include "launcher/process_host.h"
#include "launcher/progress.h"
#include "launcher/run_info.h"
#include "sync/time_authority.h"

namespace tearline {

std::vector<std::pair<std::string, std::string>> nodes_of_mode(const Scenario& scenario,
                                                               const std::string& mode) {
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const AgencySpec& agency : scenario.agencies) nodes.emplace_back(agency.name, "agency");
  if (mode == "coordinated") nodes.emplace_back(scenario.broker.name, "broker");
  for (const UnitSpec& unit : scenario.units) nodes.emplace_back(unit.name, "unit");
  return nodes;
}

namespace {

using Clock = std::chrono::steady_clock;

// How often the wait for a paced round looks at live requests and Ctrl-C.
constexpr auto kPaceStep = std::chrono::milliseconds(50);

std::vector<std::string> names_of(const std::vector<std::pair<std::string, std::string>>& nodes) {
  std::vector<std::string> names;
  for (const auto& [name, role] : nodes) names.push_back(name);
  return names;
}

// The centre's standby member, where the mode runs one.
std::string standby_of(const Scenario& scenario, const std::string& mode) {
  return mode == "coordinated" ? scenario.broker.standby : "";
}

// Every process of the mode: its nodes, and the centre's standby.
std::vector<std::string> processes_of(const Scenario& scenario, const std::string& mode,
                                      std::vector<std::string> names) {
  if (const std::string standby = standby_of(scenario, mode); !standby.empty()) {
    names.push_back(standby);
  }
  return names;
}

}  // namespace

namespace internal {

ModeRun::ModeRun(const Scenario& scenario, const ModeRunOptions& options)
    : scenario_(scenario),
      options_(options),
      nodes_(nodes_of_mode(scenario, options.mode)),
      names_(names_of(nodes_)),
      authority_(
          names_,
          [&](const std::string& from, const std::string& to) {
            return least_transit_h(scenario, from, to);
          },
          scenario.duration_h),
      launcher_trace_((options.mode_dir / "launcher.trace.jsonl").string()),
      schedule_(schedule_for(scenario, processes_of(scenario, options.mode, names_))) {
  if (const std::string standby = standby_of(scenario, options.mode); !standby.empty()) {
    pair_.emplace();
    pair_->node = scenario.broker.name;
    pair_->standby = standby;
  }
  if (options.in_process) {
    host_ = std::make_unique<InProcessHost>(scenario, options.mode, options.seed, options.mode_dir,
                                            options.keys_dir, nodes_);
  } else {
    ProcessHostOptions host;
    host.mode = options.mode;
    host.scenario_path = options.scenario_path;
    host.seed = options.seed;
    host.mode_dir = options.mode_dir;
    host.keys_dir = options.keys_dir;
    host.hosts_file = options.hosts_file;
    host.scenario_nodes = scenario.node_names();
    for (const auto& [name, role] : nodes_) {
      if (scenario.journaled(name)) host.journaled_nodes.insert(name);
    }
    host.nodes = nodes_;
    if (pair_) {
      host.nodes.emplace_back(pair_->standby, "broker");
      host.member_of[pair_->standby] = pair_->node;
      host.journaled_nodes.insert(pair_->standby);
    }
    host.on_launcher_request = [this](const v1::LauncherRequest& request) {
      return answer(request);
    };
    host.interrupted = options.interrupted;
    host_ = std::make_unique<ProcessHost>(std::move(host));
  }
}

void ModeRun::trace_launcher_event(TraceEvent event) {
  event.wall_ms = unix_now_ms();
  event.mode = options_.mode;
  launcher_trace_.write(event);
  launcher_trace_.flush();
}

size_t ModeRun::injected_deaths_of(const std::string& node) {
  return fault_events_.count(options_.mode_dir / (node + ".trace.jsonl"), "crash", "") +
         fault_events_.count(options_.mode_dir / "faults.trace.jsonl", "signal KILL", node);
}

void ModeRun::note_exits() {
  for (const NodeExit& exit : host_->collect_exits()) {
    const std::string& name = exit.node;
    if (pair_ && pair_->has(name)) {
      note_member_exit(exit);
      continue;
    }
    const auto known = death_at_h_.find(name);
    const bool caused = known != death_at_h_.end();
    // A death from outside may come in the middle of a window, after the
    // node took in what arrived before the end of its grant: it is dead from
    // there, so no message is both taken in and lost with it.
    const double at_h = caused ? known->second : authority_.granted_h(name);
    if (caused) death_at_h_.erase(known);
    if (!caused && !stopping_) authority_.died(name, at_h);
    died_at_h_[name] = at_h;
    TraceEvent stopped;
    stopped.t_h = std::min(at_h, scenario_.duration_h);
    stopped.node = name;
    stopped.kind = "node_stopped";
    stopped.reason = exit.reason;
    trace_launcher_event(std::move(stopped));
    if (stopping_ && exit.clean) continue;
    judge_death(name, exit, caused, at_h);
    if (options_.restart_delay_h && !restart_at_h_.contains(name)) {
      schedule_restart(name, at_h + *options_.restart_delay_h);
    }
  }
}

void ModeRun::schedule_restart(const std::string& node, double at_h) {
  // A restart at or after the end would start a node that does nothing,
  // and one during the final stop could not happen at all.
  if (stopping_ || at_h >= scenario_.duration_h) return;
  restart_at_h_[node] = at_h;
  authority_.will_start(node, at_h);
}

void ModeRun::schedule_member_restart(const std::string& member, double at_h) {
  if (stopping_ || at_h >= scenario_.duration_h) return;  // As schedule_restart().
  member_restart_at_h_.try_emplace(member, at_h);
}

void ModeRun::judge_death(const std::string& name, const NodeExit& exit, bool caused, double at_h) {
  const size_t deaths = ++deaths_by_node_[name];
  // A fault asked for it, also when it came while the nodes were stopped.
  if (caused || injected_deaths_of(name) >= deaths) {
    const std::string message =
        fmt::format("node {} stopped by an injected fault: {}", name, exit.reason);
    outcome_.injected_deaths.push_back(message);
    if (!options_.quiet) fmt::print(stderr, "\n{}: {}\n", options_.mode, message);
    return;
  }
  std::string message = fmt::format("node {} died unexpectedly: {}", name, exit.reason);
  if (exit.reason == fmt::format("exit:{}", kExitCannotWrite)) {
    message +=
        "; it could not write its trace or journal (a full disk, or the run folder removed or "
        "made unwritable?)";
  }
  if (const auto* processes = dynamic_cast<const ProcessHost*>(host_.get())) {
    const std::string stderr_text = processes->stderr_tail(name);
    if (!stderr_text.empty()) message += "; its stderr: " + stderr_text;
  }
  if (options_.restart_delay_h) {
    // Asked for: `--restart-after-h` restarts any node that dies, or would,
    // but for the end of the run.
    const double restart_h = at_h + *options_.restart_delay_h;
    message += stopping_ ? "; not restarted: it died while the run was stopping"
               : restart_h >= scenario_.duration_h
                   ? fmt::format("; not restarted: {:.1f} h is past the end of the run ({:.1f} h)",
                                 restart_h, scenario_.duration_h)
                   : fmt::format("; restarted at {:.1f} h", restart_h);
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
  if (const auto died = died_at_h_.find(node); died != died_at_h_.end()) {
    start.set_died_at_h(died->second);
  }
  if (pair_ && node != pair_->node && !pair_->active.empty() && pair_->active != pair_->node) {
    (*start.mutable_hosts())[pair_->node] = pair_->active;
  }
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
  // them (the time authority still holds them, so they handle nothing),
  // then stopped again; `node` stays continued, to die.
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

std::optional<double> ModeRun::next_action_h() const {
  std::optional<double> next;
  for (size_t i = next_action_; i < schedule_.size(); ++i) {
    if (schedule_[i].kind != ScheduledAction::Kind::kCommandAhead) {
      next = schedule_[i].at_h;
      break;
    }
  }
  for (const auto& [node, at_h] : restart_at_h_) {
    if (!next || at_h < *next) next = at_h;
  }
  for (const auto& [member, at_h] : member_restart_at_h_) {
    if (!next || at_h < *next) next = at_h;
  }
  if (pair_ && pair_->failover_at_h && (!next || *pair_->failover_at_h < *next)) {
    next = pair_->failover_at_h;
  }
  return next;
}

void ModeRun::act_at(double at_h) {
  for (; next_action_ < schedule_.size() && schedule_[next_action_].at_h <= at_h; ++next_action_) {
    const ScheduledAction& action = schedule_[next_action_];
    if (action.kind == ScheduledAction::Kind::kCommandAhead) continue;
    if (pair_ && pair_->has(action.node)) {
      act_on_member(action);
      continue;
    }
    // A node the launcher has killed may not have ended yet (a crash sent
    // to a stopped process waits for it to be continued): it is dead all the
    // same, and a SIGCONT must not bring it back to the time authority.
    if (!host_->running(action.node) || death_at_h_.contains(action.node)) {
      fmt::print(stderr, "\n{}: scheduled fault on {} skipped: the node is not running\n",
                 options_.mode, action.node);
      continue;
    }
    const bool kills = action.kind == ScheduledAction::Kind::kCrash || action.signal == SIGKILL;
    if (kills) await_frames_of(action.node);
    if (action.kind == ScheduledAction::Kind::kCrash) {
      death_at_h_[action.node] = action.at_h;
      authority_.died(action.node, action.at_h);
      std::string ignored;  // The node crashes before it can answer.
      host_->command(action.node, *action.request, &ignored);
    } else {
      record_signal_fault(options_.mode_dir, options_.mode, action.node, action.signal, action.by,
                          action.at_h);
      if (action.signal == SIGKILL) {
        death_at_h_[action.node] = action.at_h;
        authority_.died(action.node, action.at_h);
      } else if (action.signal == SIGSTOP) {
        authority_.held(action.node, action.continue_at_h);
      } else if (action.signal == SIGCONT) {
        authority_.released(action.node, action.at_h);
      }
      host_->signal(action.node, action.signal);
    }
    if (action.restart_after_h) {
      schedule_restart(action.node, action.at_h + *action.restart_after_h);
    }
  }
  if (pair_ && pair_->failover_at_h && *pair_->failover_at_h <= at_h) {
    fail_over(*pair_->failover_at_h);
  }
  for (auto it = member_restart_at_h_.begin(); it != member_restart_at_h_.end();) {
    if (it->second > at_h) {
      ++it;
      continue;
    }
    const std::string member = it->first;
    const double begin_h = it->second;
    it = member_restart_at_h_.erase(it);
    restart_member(member, begin_h);
  }
  for (auto it = restart_at_h_.begin(); it != restart_at_h_.end();) {
    if (it->second > at_h) {
      ++it;
      continue;
    }
    const std::string node = it->first;
    const double begin_h = it->second;
    it = restart_at_h_.erase(it);
    if (death_at_h_.contains(node)) host_->await_end(node);  // A death the launcher caused.
    note_exits();
    if (host_->running(node)) continue;  // Its death did not happen.
    if (!bring_up(node, begin_h)) continue;
    publish(true);
    // A journaled node recovers the commands it was sent ahead.
    if (!scenario_.journaled(node)) send_ahead_commands(node, begin_h);
    if (!options_.quiet) {
      fmt::print(stderr, "\n{}: node {} restarted at {:.1f} h\n", options_.mode, node, begin_h);
    }
  }
}

void ModeRun::pace(double t_h) {
  if (options_.ms_per_scenario_hour <= 0) return;
  const auto due =
      paced_from_ +
      std::chrono::microseconds(static_cast<int64_t>(t_h * options_.ms_per_scenario_hour * 1000));
  while (!options_.interrupted()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now());
    if (left.count() <= 0) break;
    host_->idle(std::min(left, kPaceStep));
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

double ModeRun::behind_pace_h() const {
  if (options_.ms_per_scenario_hour <= 0) return 0;
  const double paced_h =
      std::chrono::duration<double, std::milli>(Clock::now() - paced_from_).count() /
      options_.ms_per_scenario_hour;
  return std::max(0.0, std::min(paced_h, scenario_.duration_h) - authority_.floor_h());
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
             !(pair_ && pair_->has(request.node()))) {
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
    if (pair_ && pair_->has(request.node())) {
      member_restart_at_h_[request.node()] = now_h + request.restart().after_h();
      if (pair_->active.empty() && !pair_->failover_at_h) {
        authority_.will_start(pair_->node, member_restart_at_h_[request.node()]);
      }
    } else {
      restart_at_h_[request.node()] = now_h + request.restart().after_h();
      authority_.will_start(request.node(), restart_at_h_[request.node()]);
    }
    reply.mutable_status()->set_now_h(now_h);
  }
  return reply;
}

void ModeRun::publish(bool live) {
  host_->publish(live,
                 {{"ms_per_scenario_hour", options_.ms_per_scenario_hour},
                  {"launcher_peak_rss_kib", peak_resident_kib()},
                  {"sync",
                   {{"rounds", authority_.rounds()},
                    {"wall_s", std::chrono::duration<double>(Clock::now() - began_).count()}}}});
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
    if (pair_ && name == pair_->node) {
      host_->set_host(name, name);
      pair_->active = name;
      pair_->whole = {name};
    }
    bring_up(name, 0);
  }
  if (pair_ && outcome_.failures.empty()) start_passive(pair_->standby, 0);
  if (outcome_.failures.empty()) {
    publish(true);
    send_ahead_commands("", 0);
    paced_from_ = Clock::now();
    Progress progress(options_.mode, scenario_.start_unix_s, scenario_.duration_h, !options_.quiet);
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
      pace(authority_.floor_h());
      const double reached_before_h = reached_sum_h();
      std::map<std::string, v1::Grant> grants = authority_.next_round(cap_h);
      if (pair_) {  // Frames for the centre go to its active member.
        for (auto& [node, grant] : grants) {
          for (v1::PeerState& peer : *grant.mutable_peers()) {
            if (peer.node() == pair_->node && peer.up()) peer.set_member(pair_->active);
          }
        }
      }
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
      progress.update(authority_.floor_h(), behind_pace_h());
    }
    progress.finish(interrupted ? fmt::format("interrupted, stopping nodes at {:.2f} h", end_h)
                    : outcome_.failures.empty() ? "scenario complete, stopping nodes"
                                                : "a node failed, stopping the others");
  }
  note_exits();
  stopping_ = true;
  host_->stop_all(&outcome_.failures);
  note_exits();
  publish(false);
  outcome_.rounds = authority_.rounds();
  outcome_.wall_s = std::chrono::duration<double>(Clock::now() - began_).count();
  return outcome_;
}

}  // namespace internal

ModeOutcome run_mode(const Scenario& scenario, const ModeRunOptions& options) {
  std::filesystem::create_directories(options.mode_dir);
  internal::ModeRun run(scenario, options);
  return run.run();
}

}  // namespace tearline
