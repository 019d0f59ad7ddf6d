#include "node/control_check.h"

#include <cmath>

#include "node/intake/frame_check.h"

namespace tearline {
namespace {

size_t node_count(const Scenario& scenario) {
  return scenario.agencies.size() + 1 + scenario.units.size() + scenario.units_named_only.size();
}

// A member process that may host `node`: its own, or a centre's standby.
bool may_host(const Scenario& scenario, const std::string& node, const std::string& member) {
  return member.empty() || member == node ||
         (node == scenario.broker.name && member == scenario.broker.standby);
}

}  // namespace

std::string grant_error(const v1::Grant& grant, const Scenario& scenario) {
  if (std::isnan(grant.until_h()) || grant.until_h() < 0) return "grant until_h is not an hour";
  if (grant.has_resumed_at_h() && !hour_in_range(grant.resumed_at_h(), scenario)) {
    return "grant resumed_at_h is not an hour of the scenario";
  }
  // Each node is named at most once in each list; a few times over is
  // still sane, more is not a grant of this scenario.
  const int max_entries = 4 * static_cast<int>(node_count(scenario));
  if (grant.peers_size() > max_entries || grant.expected_size() > max_entries) {
    return "grant names more peers than the scenario has";
  }
  for (const v1::PeerState& peer : grant.peers()) {
    if (!scenario.has_node(peer.node())) return "grant names unknown peer \"" + peer.node() + "\"";
    if (!hour_in_range(peer.at_h(), scenario)) return "grant peer state without a sound hour";
    if (!may_host(scenario, peer.node(), peer.member())) {
      return "grant names \"" + peer.member() + "\", which cannot host " + peer.node();
    }
  }
  for (const v1::FrameCount& expected : grant.expected()) {
    if (!scenario.has_node(expected.peer())) {
      return "grant expects frames from unknown peer \"" + expected.peer() + "\"";
    }
  }
  return "";
}

std::string start_error(const v1::Start& start, const Scenario& scenario) {
  if (!hour_in_range(start.begin_h(), scenario) || !hour_in_range(start.end_h(), scenario) ||
      start.begin_h() > start.end_h() || start.incarnation() == 0) {
    return "start needs begin and end hours within the scenario, begin before end, and an "
           "incarnation";
  }
  if (start.has_died_at_h() &&
      (!hour_in_range(start.died_at_h(), scenario) || start.died_at_h() > start.begin_h())) {
    return "start's died_at_h must be an hour within the scenario, no later than begin_h";
  }
  for (const auto& [node, member] : start.hosts()) {
    if (!scenario.has_node(node) || !may_host(scenario, node, member)) {
      return "start names \"" + member + "\" as the host of \"" + node + "\", which it cannot be";
    }
  }
  return "";
}

}  // namespace tearline
