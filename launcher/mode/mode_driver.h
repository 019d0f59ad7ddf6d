// The driver of one mode (run_mode() in mode_run.h builds it): grants of
// the time authority, paced against the wall clock, the fault schedule at
// exact scenario hours, restarts, the launcher trace. Where the nodes live
// is the host's business (node_host.h); a centre with a hot standby is the
// failover's (centre_failover.h). Wall time comes from a WallClock, so a
// test drives it on a fake clock with a fake host.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "launcher/fault_event_counter.h"
#include "launcher/fault_schedule.h"
#include "launcher/mode/centre_failover.h"
#include "launcher/mode/mode_run.h"
#include "launcher/mode/node_life.h"
#include "launcher/mode/pacer.h"
#include "launcher/node_host.h"
#include "scenario/scenario.h"
#include "sync/time_authority.h"
#include "trace/trace.h"

namespace tearline {

class ModeRun final : private FailoverDriver {
 public:
  // Makes the host of the mode's nodes; it answers the launcher's control
  // endpoint with the ModeRun's answer().
  using HostFactory = std::function<std::unique_ptr<NodeHost>(ModeRun&)>;

  ModeRun(const Scenario& scenario, const ModeRunOptions& options, WallClock& clock,
          const HostFactory& make_host);

  ModeOutcome run();
  // Answers a request on the launcher's control endpoint (`tearline fault`).
  v1::ControlReply answer(const v1::LauncherRequest& request);
  // What the run knows of a node's (or a centre member's) life; a test looks.
  const NodeLife* life_of(const std::string& process) const {
    const auto life = lives_.find(process);
    return life == lives_.end() ? nullptr : &life->second;
  }

 private:
  // FailoverDriver.
  bool bring_up(const std::string& node, double begin_h) override;
  void note_exits() override;
  void judge_death(const std::string& process, const NodeExit& exit, bool caused,
                   double at_h) override;
  void fail(std::string message) override { outcome_.failures.push_back(std::move(message)); }
  // Before the launcher kills or stops `node`: waits until what it sent has
  // reached its receivers, and what was sent to it has reached it, as in the
  // in-process run, so a death replays exactly and a stopped node holds back
  // no frame another waits for (stopped nodes included).
  void await_frames_of(const std::string& node) override;
  void publish(bool live) override;
  void trace_launcher_event(TraceEvent event) override;
  bool stopping() const override { return stopping_; }

  // The process that hosts `node` now.
  std::string process_of(const std::string& node) const;
  bool is_member(const std::string& process) const { return failover_ && failover_->has(process); }
  // Schedules `node`'s restart at at_h, unless that is at or after the end
  // or the nodes are being stopped.
  void schedule_restart(const std::string& node, double at_h);
  // Carries out what the schedule and restarts hold for at_h.
  void act_at(double at_h);
  void act_on(const ScheduledAction& action);
  void restart(const std::string& node, double begin_h);
  void send_ahead_commands(const std::string& only_node, double from_h);
  size_t injected_deaths_of(const std::string& node);
  std::optional<double> next_action_h() const;
  // Grants rounds until every node reached the end (or the run failed or
  // was interrupted).
  void drive();
  // The hours the running nodes have reached, added up: it grows with any
  // progress, including windows the time authority skipped as empty.
  double reached_sum_h() const;
  // The hour every node is brought to before the stop, once interrupted.
  double stop_hour_on_interrupt() const;

  const Scenario& scenario_;
  ModeRunOptions options_;
  WallClock& clock_;
  std::vector<std::string> names_;
  TimeAuthority authority_;
  JsonlTraceWriter launcher_trace_;
  std::unique_ptr<NodeHost> host_;
  ModeOutcome outcome_;
  std::vector<ScheduledAction> schedule_;
  size_t next_action_ = 0;
  NodeLives lives_;
  // The centre's standby pair, where the mode runs one.
  std::optional<CentreFailover> failover_;
  FaultEventCounter fault_events_;
  Pacer pacer_;
  bool stopping_ = false;
};

}  // namespace tearline
