#include "sync/time_authority.h"

#include <algorithm>
#include <stdexcept>

#include "base/invariant.h"

namespace tearline {

TimeAuthority::TimeAuthority(std::vector<std::string> nodes, const LookaheadFn& lookahead_h,
                             double end_h)
    : names_(std::move(nodes)), nodes_(names_.size()), end_h_(end_h) {
  lookahead_h_.assign(names_.size(), std::vector<double>(names_.size(), kNever));
  for (size_t from = 0; from < names_.size(); ++from) {
    for (size_t to = 0; to < names_.size(); ++to) {
      if (from == to) continue;
      const double lookahead = lookahead_h(names_[from], names_[to]);
      if (!(lookahead > 0)) {
        throw std::invalid_argument("the lookahead from " + names_[from] + " to " + names_[to] +
                                    " must be greater than zero");
      }
      lookahead_h_[from][to] = lookahead;
    }
  }
}

size_t TimeAuthority::index_of(const std::string& node) const {
  const auto it = std::find(names_.begin(), names_.end(), node);
  if (it == names_.end()) throw std::invalid_argument("no node named " + node + " in this mode");
  return static_cast<size_t>(it - names_.begin());
}

bool TimeAuthority::running(const std::string& node) const {
  return nodes_[index_of(node)].status == Status::kRunning;
}

std::vector<std::string> TimeAuthority::held_nodes() const {
  std::vector<std::string> held;
  for (size_t i = 0; i < names_.size(); ++i) {
    if (nodes_[i].status == Status::kHeld) held.push_back(names_[i]);
  }
  return held;
}

uint32_t TimeAuthority::incarnation(const std::string& node) const {
  return nodes_[index_of(node)].incarnation;
}

double TimeAuthority::granted_h(const std::string& node) const {
  return nodes_[index_of(node)].granted_h;
}

double TimeAuthority::reached_h(const std::string& node) const {
  return nodes_[index_of(node)].reached_h;
}

std::map<std::string, std::vector<v1::FrameCount>> TimeAuthority::frames_due_around(
    const std::string& node) const {
  const auto count = [](const std::pair<std::string, uint32_t>& peer, uint64_t frames) {
    v1::FrameCount entry;
    entry.set_peer(peer.first);
    entry.set_peer_incarnation(peer.second);
    entry.set_frames(frames);
    return entry;
  };
  const std::pair<std::string, uint32_t> sender{node, nodes_[index_of(node)].incarnation};
  std::map<std::string, std::vector<v1::FrameCount>> due;
  for (size_t i = 0; i < names_.size(); ++i) {
    const NodeState& receiver = nodes_[i];
    if (receiver.status != Status::kRunning && receiver.status != Status::kHeld) continue;
    for (const auto& [peer, frames] : receiver.expected_from) {
      if (names_[i] == node || peer == sender) due[names_[i]].push_back(count(peer, frames));
    }
  }
  return due;
}

void TimeAuthority::tell_peers(const std::string& node, bool up, double at_h) {
  const NodeState& changed = nodes_[index_of(node)];
  v1::PeerState state;
  state.set_node(node);
  state.set_up(up);
  state.set_incarnation(changed.incarnation);
  state.set_at_h(at_h);
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == node) continue;
    nodes_[i].peer_changes.push_back(state);
    // A peer back up is resent to at once (LinkLayer::peer_up), in the
    // node's next window, which starts where it reached (NodeCore::run_window):
    // until the node reports again, its send bound is no later than that.
    // (Bound to at_h alone, a node that had gone past at_h would hold every
    // other to an hour it can no longer send at, and the run would stall.)
    if (up) {
      nodes_[i].next_send_h = std::min(nodes_[i].next_send_h, std::max(at_h, nodes_[i].reached_h));
    }
  }
}

void TimeAuthority::started(const std::string& node, double begin_h, uint32_t incarnation) {
  NodeState& state = nodes_[index_of(node)];
  state = NodeState{};
  state.status = Status::kRunning;
  state.incarnation = incarnation;
  state.reached_h = state.granted_h = state.next_send_h = begin_h;
  if (incarnation > 1) tell_peers(node, true, begin_h);
}

double TimeAuthority::will_start(const std::string& node, double begin_h) {
  const size_t index = index_of(node);
  const double start_h = std::max(begin_h, earliest_start_h(index));
  nodes_[index].wakes_at_h = start_h;
  return start_h;
}

double TimeAuthority::earliest_start_h(size_t from) const {
  double earliest_h = 0;
  for (size_t to = 0; to < nodes_.size(); ++to) {
    const Status status = nodes_[to].status;
    if (to == from || (status != Status::kRunning && status != Status::kHeld)) continue;
    earliest_h = std::max(earliest_h, nodes_[to].granted_h - lookahead_h_[from][to]);
  }
  return earliest_h;
}

void TimeAuthority::died(const std::string& node, double at_h) {
  NodeState& state = nodes_[index_of(node)];
  state.status = Status::kDead;
  state.wakes_at_h = kNever;
  state.expected_from.clear();
  state.incoming_h = kNever;
  // Frames of this process that had not left it when it died never come:
  // nobody waits for them. (The launcher waits for them to arrive before a
  // death it causes, so that scheduled deaths replay exactly.)
  for (NodeState& other : nodes_) other.expected_from.erase({node, state.incarnation});
  tell_peers(node, false, at_h);
}

void TimeAuthority::held(const std::string& node, std::optional<double> until_h) {
  NodeState& state = nodes_[index_of(node)];
  state.status = Status::kHeld;
  state.wakes_at_h = until_h.value_or(kNever);
}

double TimeAuthority::released(const std::string& node, std::optional<double> at_h) {
  NodeState& state = nodes_[index_of(node)];
  double resume_h = state.reached_h;
  if (at_h) {
    resume_h = std::max(resume_h, *at_h);
  } else {
    for (const NodeState& other : nodes_) resume_h = std::max(resume_h, other.granted_h);
  }
  state.status = Status::kRunning;
  state.wakes_at_h = kNever;
  state.resumed_at_h = resume_h;
  state.next_send_h = std::min(state.next_send_h, resume_h);
  return resume_h;
}

std::vector<double> TimeAuthority::earliest_input_h() const {
  const size_t n = nodes_.size();
  std::vector<double> earliest(n, kNever);  // Output: the earliest each node may send.
  std::vector<double> input(n, kNever);
  for (size_t i = 0; i < n; ++i) {
    const NodeState& state = nodes_[i];
    earliest[i] = state.status == Status::kRunning ? std::min(state.next_send_h, state.incoming_h)
                                                   : state.wakes_at_h;
  }
  // Dijkstra over the lookaheads; only running nodes pass on what reaches
  // them (a held or dead node acts no earlier than it wakes). Each settled
  // node's output reaches every running node a lookahead later: the input
  // is the least of those from the others. (A node never settled sends
  // nothing.)
  std::vector<bool> settled(n, false);
  double last_settled_h = -kNever;
  for (size_t step = 0; step < n; ++step) {
    size_t best = n;
    for (size_t i = 0; i < n; ++i) {
      if (!settled[i] && (best == n || earliest[i] < earliest[best])) best = i;
    }
    if (best == n || earliest[best] == kNever) break;
    // Lookaheads are positive (the constructor refuses others), so nodes
    // settle in time order, each at its final earliest hour.
    TEARLINE_ASSERT(earliest[best] >= last_settled_h);
    last_settled_h = earliest[best];
    settled[best] = true;
    for (size_t to = 0; to < n; ++to) {
      if (to == best || nodes_[to].status != Status::kRunning) continue;
      const double arrival_h = earliest[best] + lookahead_h_[best][to];
      input[to] = std::min(input[to], arrival_h);
      if (!settled[to]) earliest[to] = std::min(earliest[to], arrival_h);
    }
  }
  return input;
}

std::map<std::string, v1::Grant> TimeAuthority::next_round(double cap_h) {
  const std::vector<double> input_h = earliest_input_h();
  std::map<std::string, v1::Grant> grants;
  ++round_;
  for (size_t j = 0; j < nodes_.size(); ++j) {
    NodeState& state = nodes_[j];
    if (state.status != Status::kRunning) continue;
    double until_h = std::min({cap_h, end_h_, input_h[j]});
    if (until_h <= state.granted_h && !state.resumed_at_h) continue;
    until_h = std::max(until_h, state.granted_h);  // A grant is never taken back.
    TEARLINE_ASSERT(until_h >= state.granted_h);
    // Nothing to do before until_h (no event of its own, no frame arriving,
    // nothing to learn): the window is empty, so the node is not woken for
    // it. Grants that reach a fault hour or the end always go out, so every
    // node stands exactly there when the launcher acts.
    const bool idle = state.next_event_h >= until_h && state.incoming_h >= until_h &&
                      state.peer_changes.empty() && !state.resumed_at_h && !state.first_grant;
    if (idle && until_h < std::min(cap_h, end_h_)) {
      state.granted_h = state.reached_h = until_h;
      // A node sends only while it handles an event: not woken before
      // until_h, it sends nothing before it. (Its last report's bound may be
      // older, and holding others to it could stall the run.)
      state.next_send_h = std::max(state.next_send_h, until_h);
      continue;
    }
    v1::Grant& grant = grants[names_[j]];
    grant.set_round(round_);
    grant.set_until_h(until_h);
    for (const auto& [peer, frames] : state.expected_from) {
      v1::FrameCount* count = grant.add_expected();
      count->set_peer(peer.first);
      count->set_peer_incarnation(peer.second);
      count->set_frames(frames);
    }
    if (state.first_grant) {
      // A node takes each peer for up in its first process until told
      // otherwise (FaultState): only the others are named, so the first
      // round does not grow with the square of the nodes.
      state.peer_changes.clear();
      for (size_t k = 0; k < nodes_.size(); ++k) {
        const bool up = nodes_[k].status == Status::kRunning || nodes_[k].status == Status::kHeld;
        const uint32_t incarnation = std::max<uint32_t>(1, nodes_[k].incarnation);
        if (k == j || (up && incarnation == 1)) continue;
        v1::PeerState* peer = grant.add_peers();
        peer->set_node(names_[k]);
        peer->set_up(up);
        peer->set_incarnation(incarnation);
        peer->set_at_h(state.reached_h);
      }
      state.first_grant = false;
    }
    for (const v1::PeerState& change : state.peer_changes) *grant.add_peers() = change;
    state.peer_changes.clear();
    if (state.resumed_at_h) grant.set_resumed_at_h(*state.resumed_at_h);
    state.resumed_at_h.reset();
    state.granted_h = until_h;
    state.incoming_h = kNever;  // The node will count those frames itself.
  }
  return grants;
}

void TimeAuthority::report(const std::string& node, const v1::RoundReport& report) {
  NodeState& state = nodes_[index_of(node)];
  if (state.status == Status::kDead || state.status == Status::kNotStarted) return;
  state.reached_h = std::max(state.reached_h, report.reached_h());
  state.next_send_h = report.has_next_send_h() ? report.next_send_h() : kNever;
  state.next_event_h = report.has_next_event_h() ? report.next_event_h() : kNever;
  for (const v1::SentFrames& sent : report.sent()) {
    const auto peer = std::find(names_.begin(), names_.end(), sent.peer());
    if (peer == names_.end()) continue;
    NodeState& receiver = nodes_[static_cast<size_t>(peer - names_.begin())];
    if (receiver.status == Status::kDead || receiver.status == Status::kNotStarted ||
        receiver.incarnation != sent.peer_incarnation()) {
      continue;  // Lost with a process that died.
    }
    receiver.expected_from[{node, state.incarnation}] += sent.frames();
    receiver.incoming_h = std::min(receiver.incoming_h, sent.min_arrival_h());
  }
}

bool TimeAuthority::all_reached(double at_h) const {
  for (const NodeState& state : nodes_) {
    if (state.status == Status::kRunning && state.reached_h < std::min(at_h, end_h_)) return false;
  }
  return true;
}

double TimeAuthority::floor_h() const {
  double floor = kNever;
  for (const NodeState& state : nodes_) {
    if (state.status == Status::kRunning) floor = std::min(floor, state.reached_h);
  }
  return floor == kNever ? end_h_ : floor;
}

}  // namespace tearline
