// The driver of one mode (mode_run.h), shared by mode_run.cc (grants, the
// fault schedule, restarts, the launcher trace) and centre_failover.cc (a
// centre with a hot standby: which member is active, failovers).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "trace/trace.h"
#include "launcher/fault_event_counter.h"
#include "launcher/fault_schedule.h"
#include "launcher/mode_run.h"
#include "launcher/node_host.h"
#include "sync/time_authority.h"

namespace tearline::internal {

// A centre with a hot standby, run as the ZeroMQ guide's Binary Star
// (docs/DURABILITY.md, "Hot standby"): one member is active and streams its
// journal to the other, passive one. When the active member dies, the
// passive one takes over failover_after_h later, from its copy; a member
// that comes back while the other is active is passive. Both are never
// active: the launcher, which sees every process end, decides.
struct CentrePair {
  std::string node;            // The centre; also its primary member's name.
  std::string standby;         // The other member.
  std::string active;          // The member that hosts the centre; empty while none does.
  std::string passive;         // The member running passive; empty while none is.
  bool passive_whole = false;  // The active member streams its journal to it.
  // Members whose journal holds everything the centre committed.
  std::set<std::string> whole;
  std::optional<double> failover_at_h;

  bool has(const std::string& process) const { return process == node || process == standby; }
  std::string other(const std::string& member) const { return member == node ? standby : node; }
};

// Drives one mode: grants of the time authority, the fault schedule at
// exact scenario hours, restarts, the launcher trace. Where the nodes live
// is the host's business.
class ModeRun {
 public:
  ModeRun(const Scenario& scenario, const ModeRunOptions& options);

  ModeOutcome run();

 private:
  bool bring_up(const std::string& node, double begin_h);
  // The centre's standby pair (CentrePair).
  // The process that hosts `node` now.
  std::string process_of(const std::string& node) const;
  // Starts `member` as the passive member and, if a member is active, has
  // it stream its journal there.
  void start_passive(const std::string& member, double at_h);
  void stream_to(const std::string& member, double at_h);
  // A scheduled fault on one of the members.
  void act_on_member(const ScheduledAction& action);
  // What follows the death of the active member at at_h: the passive one
  // takes over, or the centre waits for a member with a whole journal.
  void on_active_death(const std::string& member, double at_h);
  void on_passive_death(const std::string& member);
  void note_member_exit(const NodeExit& exit);
  void fail_over(double at_h);
  void restart_member(const std::string& member, double begin_h);
  // Says whether a death was asked for, and fails the run if it was not
  // and no restart answers it.
  void judge_death(const std::string& process, const NodeExit& exit, bool caused, double at_h);
  // Schedules `node`'s restart at at_h, unless that is at or after the end
  // or the nodes are being stopped.
  void schedule_restart(const std::string& node, double at_h);
  // The same for one member of the centre's pair, unless it has one already.
  void schedule_member_restart(const std::string& member, double at_h);
  // Carries out what the schedule and restarts hold for at_h.
  void act_at(double at_h);
  void send_ahead_commands(const std::string& only_node, double from_h);
  // Before the launcher kills `node`: waits until what it sent has reached
  // its receivers, and what was sent to it has reached it, as in the
  // in-process run, so the death replays exactly (stopped nodes included).
  void await_frames_of(const std::string& node);
  // Records the nodes that ended: tells the time authority, decides whether
  // a fault asked for it, schedules restarts.
  void note_exits();
  size_t injected_deaths_of(const std::string& node);
  std::optional<double> next_action_h() const;
  // Waits until the pace allows scenario hour t_h.
  void pace(double t_h);
  // The hours the running nodes have reached, added up: it grows with any
  // progress, including windows the time authority skipped as empty.
  double reached_sum_h() const;
  // The hour every node is brought to before the stop, once interrupted.
  double stop_hour_on_interrupt() const;
  // How far the run's scenario time is behind the pace, in hours.
  double behind_pace_h() const;
  v1::ControlReply answer(const v1::LauncherRequest& request);
  void publish(bool live);
  void trace_launcher_event(TraceEvent event);

  const Scenario& scenario_;
  ModeRunOptions options_;
  std::vector<std::pair<std::string, std::string>> nodes_;
  std::vector<std::string> names_;
  TimeAuthority authority_;
  JsonlTraceWriter launcher_trace_;
  std::unique_ptr<NodeHost> host_;
  ModeOutcome outcome_;
  std::vector<ScheduledAction> schedule_;
  size_t next_action_ = 0;
  std::map<std::string, double> restart_at_h_;
  // Deaths the launcher caused, by node: their scenario hour.
  std::map<std::string, double> death_at_h_;
  // The hour each node's last process died, for its restart.
  std::map<std::string, double> died_at_h_;
  std::map<std::string, size_t> deaths_by_node_;
  std::optional<CentrePair> pair_;
  std::map<std::string, double> member_restart_at_h_;
  // Members the launcher killed while they were active.
  std::set<std::string> active_deaths_;
  FaultEventCounter fault_events_;
  std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point paced_from_;
  bool stopping_ = false;
};

}  // namespace tearline::internal
