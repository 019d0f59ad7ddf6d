#include "analysis/report/centre.h"

#include <algorithm>
#include <string_view>

#include "base/invariant.h"
#include "base/iso_time.h"

namespace tearline::report {
namespace {

// A process's clean exit; at the scenario's end it is the run's stop.
constexpr std::string_view kCleanExit = "exit:0";

}  // namespace

void CentreTally::add(const Step& step) {
  if (!context_->run_info() || step.node == 0 || context_->is_agency(step.node) ||
      context_->is_unit(step.node)) {
    return;
  }
  const Interner& names = context_->names;
  Candidate& node = candidates_[step.node];
  const std::string& reason = names.name(step.reason);
  const std::string& peer = names.name(step.peer);
  if (context_->is_launcher_file(step.file)) {
    if (step.peer != 0) node.members.insert(peer);
    if (step.kind == Kind::kFailover) {
      if (step.reason != 0) node.members.insert(reason);
      v1::Centre::Failover& failover = node.failovers.emplace_back();
      failover.set_t_h(step.t_h);
      failover.set_from(reason);
      failover.set_to(peer);
      node.starts.emplace_back(step.t_h, peer);
    }
    const double duration_h = context_->run_info()->duration_h();
    if (step.kind == Kind::kNodeStopped && !(reason == kCleanExit && step.t_h >= duration_h)) {
      node.stops.push_back({step.t_h, step.peer != 0 ? peer : names.name(step.node), reason});
    }
    return;
  }
  if (!context_->is_node_file(step.file)) return;
  if (centre_ == 0 || names.name(step.node) < names.name(centre_)) centre_ = step.node;
  const std::string& member = context_->stem(step.file);
  node.members.insert(member);
  if (step.kind == Kind::kNodeStarted) node.starts.emplace_back(step.t_h, member);
  if (is_send(step.kind)) {
    // The receiver: the peer, or the far end of the link.
    std::string_view receiver = peer;
    const std::string& handoff = names.name(step.handoff);
    if (receiver.empty() && handoff.find("->") != std::string::npos) {
      receiver = std::string_view(handoff).substr(handoff.find("->") + 2);
    }
    const uint32_t receiver_id = names.find(receiver);
    if (receiver_id != Interner::kNone && context_->is_unit(receiver_id)) {
      ++(step.kind == Kind::kSent ? node.sent_by_member : node.resent_by_member)[member];
    }
  }
}

void CentreTally::fill(v1::ModeReport* mode) const {
  if (centre_ == 0) return;
  const std::string& name = context_->names.name(centre_);
  const Candidate& node = candidates_.at(centre_);
  const std::string& start_iso = context_->run_info()->start_iso();
  const double duration_h = context_->run_info()->duration_h();
  v1::Centre* centre = mode->mutable_centre();
  centre->set_node(name);
  if (node.members.contains(name)) centre->add_members(name);
  for (const std::string& member : node.members) {
    if (member != name) centre->add_members(member);
    const auto count = [&member](const std::map<std::string, uint32_t>& by_member) {
      const auto found = by_member.find(member);
      return found == by_member.end() ? 0u : found->second;
    };
    (*centre->mutable_warnings_by_member())[member] = count(node.sent_by_member);
    (*centre->mutable_resends_by_member())[member] = count(node.resent_by_member);
  }
  for (v1::Centre::Failover failover : node.failovers) {
    if (const auto when = iso_plus_hours(start_iso, failover.t_h())) failover.set_when(*when);
    *centre->add_failovers() = std::move(failover);
  }
  std::vector<std::pair<double, std::string>> starts = node.starts;
  std::stable_sort(starts.begin(), starts.end());
  double hours_without_centre = 0;
  for (const Stop& stop : node.stops) {
    const auto back = std::find_if(starts.begin(), starts.end(),
                                   [&stop](const auto& start) { return start.first >= stop.t_h; });
    const double until_h = back != starts.end() ? back->first : std::max(stop.t_h, duration_h);
    v1::Centre::Down* down = centre->add_down();
    down->set_t_h(stop.t_h);
    if (const auto when = iso_plus_hours(start_iso, stop.t_h)) down->set_when(*when);
    down->set_until_h(until_h);
    if (const auto until = iso_plus_hours(start_iso, until_h)) down->set_until(*until);
    down->set_hours(until_h - stop.t_h);
    down->set_member(stop.member);
    down->set_reason(stop.reason);
    if (back != starts.end()) down->set_back(back->second);
    TEARLINE_ASSERT(until_h >= stop.t_h);  // Back at or after the stop, never before.
    hours_without_centre += until_h - stop.t_h;
  }
  centre->set_hours_without_centre(hours_without_centre);
}

}  // namespace tearline::report
