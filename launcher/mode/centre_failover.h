// A centre with a hot standby, run as the ZeroMQ guide's Binary Star
// (docs/DURABILITY.md, "Hot standby"): one member is active and streams its
// journal to the other, passive one. When the active member dies, the
// passive one takes over failover_after_h later, from its copy; a member
// that comes back while the other is active is passive. Both are never
// active: the launcher, which sees every process end, decides here.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/clock.h"
#include "launcher/fault_schedule.h"
#include "launcher/mode/mode_run.h"
#include "launcher/mode/node_life.h"
#include "launcher/node_host.h"
#include "scenario/scenario.h"
#include "sync/time_authority.h"
#include "trace/trace.h"

namespace tearline {

// What the failover asks of the mode's driver (ModeRun).
class FailoverDriver {
 public:
  virtual ~FailoverDriver() = default;
  // Starts `node` from begin_h in the process that hosts it now; false if
  // it did not come up.
  virtual bool bring_up(const std::string& node, double begin_h) = 0;
  // Records the processes that ended (a member's comes back to note_exit()).
  virtual void note_exits() = 0;
  // Says whether a death was asked for; fails the run if it was not and no
  // restart answers it.
  virtual void judge_death(const std::string& process, const NodeExit& exit, bool caused,
                           double at_h) = 0;
  // Fails the run with `message`: the nodes are stopped.
  virtual void fail(std::string message) = 0;
  // Before a kill or a stop: waits until the frames due around `node` have
  // come.
  virtual void await_frames_of(const std::string& node) = 0;
  virtual void publish(bool live) = 0;
  virtual void trace_launcher_event(TraceEvent event) = 0;
  // The run is stopping its nodes: no restart any more.
  virtual bool stopping() const = 0;
};

class CentreFailover {
 public:
  // The centre `node` (also its primary member's name) and its `standby`
  // member; members' lives are kept in `lives`; signals are traced with
  // the wall time of `clock`.
  CentreFailover(std::string node, std::string standby, const Scenario& scenario,
                 const ModeRunOptions& options, NodeHost& host, TimeAuthority& authority,
                 NodeLives& lives, const WallClock& clock, FailoverDriver& driver);

  const std::string& node() const { return node_; }
  const std::string& standby() const { return standby_; }
  // True if `process` is one of the members.
  bool has(const std::string& process) const { return process == node_ || process == standby_; }
  // The process that hosts `node` now.
  std::string process_of(const std::string& node) const;
  // What a node started now must know: where the centre is hosted.
  void tell_host(const std::string& node, v1::Start* start) const;
  // Frames for the centre go to its active member.
  void route(std::map<std::string, v1::Grant>* grants) const;

  // At hour 0: the primary member is active (its start follows), ...
  void make_primary_active();
  // ... and the standby starts passive.
  void start_standby();
  // A scheduled fault on one of the members.
  void act_on(const ScheduledAction& action);
  // A member's process ended.
  void note_exit(const NodeExit& exit);
  // `member` restarts at at_h, as the operator asked (`tearline fault`), or
  // later (TimeAuthority::will_start): returns the hour.
  double restart_on_request(const std::string& member, double at_h);
  // The next hour the failover or a member's restart is due.
  std::optional<double> next_h() const;
  // Carries out the failover and member restarts due by at_h.
  void act_at(double at_h);

 private:
  // Both members are never active; a copy is whole only where one runs.
  void check_pair() const {
    TEARLINE_ASSERT(active_.empty() || active_ != passive_);
    TEARLINE_ASSERT(!passive_whole_ || !passive_.empty());
  }
  std::string other(const std::string& member) const { return member == node_ ? standby_ : node_; }
  // Starts `member` as the passive member and, if a member is active, has
  // it stream its journal there.
  void start_passive(const std::string& member, double at_h);
  void stream_to(const std::string& member, double at_h);
  // What follows the death of the active member at at_h: the passive one
  // takes over, or the centre waits for a member with a whole journal.
  void on_active_death(const std::string& member, double at_h);
  void on_passive_death(const std::string& member);
  // Schedules a member's restart at at_h unless it has one, it is at or
  // after the end, or the nodes are being stopped.
  void schedule_restart(const std::string& member, double at_h);
  void fail_over(double at_h);
  void restart(const std::string& member, double begin_h);
  // Cuts the trace of the member `traced` back to its last commit in the
  // journal of the member `keeper`: the lines of windows nothing will replay.
  void cut_trace(const std::string& keeper, const std::string& traced) const;

  const std::string node_;
  const std::string standby_;
  const Scenario& scenario_;
  const ModeRunOptions& options_;
  NodeHost& host_;
  TimeAuthority& authority_;
  NodeLives& lives_;
  const WallClock& clock_;
  FailoverDriver& driver_;
  std::string active_;          // The member that hosts the centre; empty while none does.
  std::string passive_;         // The member running passive; empty while none is.
  bool passive_whole_ = false;  // The active member streams its journal to it.
  // Members whose journal holds everything the centre committed.
  std::set<std::string> whole_;
  std::optional<double> failover_at_h_;
};

}  // namespace tearline
