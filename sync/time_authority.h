// The time authority of one mode of a run: it grants each node how far it
// may advance in scenario time, so that no node handles an event at hour t
// before every frame that can arrive at or before t has arrived
// (conservative synchronisation; sync/DESIGN.md explains the algorithm and
// the lookahead it uses).
//
// Rounds: next_round() gives the grants of one round; the owner delivers
// each and feeds every node's RoundReport back through report() before the
// next round. A grant lets node j handle events before
//   min(cap, end, min over k != j of EOT(k) + lookahead(k, j)),
// where EOT(k), the earliest hour node k can send anything, is the least of
// its own next event and what can reach it first from others (a shortest
// path over lookaheads, from every node's next event). Each grant also says
// how many frames the node must have received from each peer first, so a
// window never starts before the frames it depends on are in.
//
// Never reads a clock: pacing against the wall clock is the owner's.
//
// Thread-safety: none; owned by the launcher's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tearline/v1/control.pb.h"

namespace tearline {

class TimeAuthority {
 public:
  // The least transit time, in scenario hours, of any frame from one node to
  // another: must be greater than zero.
  using LookaheadFn = std::function<double(const std::string& from, const std::string& to)>;
  static constexpr double kNever = std::numeric_limits<double>::infinity();

  // `nodes` are the nodes of the mode, none started yet; the run ends at end_h.
  TimeAuthority(std::vector<std::string> nodes, const LookaheadFn& lookahead_h, double end_h);

  // Node `node` runs from begin_h as `incarnation` (1, then one more per
  // restart). Its first grant tells it every peer's state.
  void started(const std::string& node, double begin_h, uint32_t incarnation);
  // Node `node` will be started at begin_h (a restart), or later: at the
  // hour returned, from which what it sends reaches no running or held peer
  // in its past (before the hour that peer has been granted). Until then it
  // can send nothing, and from then on anything. Later than begin_h only
  // for a restart asked for live, or after a death from outside, while
  // others ran ahead; a scheduled one finds every node at its hour.
  double will_start(const std::string& node, double begin_h);
  // Node `node` died at at_h: it gets no more grants, its peers learn it is
  // down from at_h, and frames sent to it are no longer expected.
  void died(const std::string& node, double at_h);
  // Node `node` is held (SIGSTOP) from its current hour: no grants until
  // released. It can act again at until_h when that is known.
  void held(const std::string& node, std::optional<double> until_h);
  // Releases a held node at at_h, or, when none is given (a hold whose end
  // was not known), at the furthest hour any node has been granted, so what
  // it sends cannot reach anyone in their past. Returns the hour used.
  double released(const std::string& node, std::optional<double> at_h = std::nullopt);

  // The grants of the next round, none beyond cap_h, by node; only nodes
  // that can advance get one. Empty when none can (every running node has
  // reached cap_h, or the run is stuck, which is a bug).
  std::map<std::string, v1::Grant> next_round(double cap_h);
  // A node's answer to its grant of the current round.
  void report(const std::string& node, const v1::RoundReport& report);

  // True when every running node (started, not held, not dead) has handled
  // every event before at_h.
  bool all_reached(double at_h) const;
  // The least hour reached by a running node: the run's scenario time.
  double floor_h() const;
  uint64_t rounds() const { return round_; }
  bool running(const std::string& node) const;
  // Nodes held: stopped (SIGSTOP) and not yet released.
  std::vector<std::string> held_nodes() const;
  uint32_t incarnation(const std::string& node) const;
  // The frames that must have arrived before the launcher kills `node`, for
  // the kill to replay exactly: by running node, the frames it must have
  // received (cumulative, per peer incarnation) from `node`'s current
  // process, and those `node` must have received from its peers. Held nodes
  // count: the launcher continues their processes while it waits.
  std::map<std::string, std::vector<v1::FrameCount>> frames_due_around(
      const std::string& node) const;
  double reached_h(const std::string& node) const;
  // The hour up to which `node` has been granted: it never handled an event
  // at or after it.
  double granted_h(const std::string& node) const;

 private:
  enum class Status { kNotStarted, kRunning, kHeld, kDead };
  struct NodeState {
    Status status = Status::kNotStarted;
    uint32_t incarnation = 0;
    double reached_h = 0;
    double granted_h = 0;
    // Its own next event as it last reported, and the earliest arrival of
    // frames sent to it since it was last granted.
    double next_send_h = kNever;
    // Its next event of any kind, as it last reported.
    double next_event_h = 0;
    double incoming_h = kNever;
    // Known start (restart) or release hour while not running.
    double wakes_at_h = kNever;
    // By (peer, the peer's incarnation).
    std::map<std::pair<std::string, uint32_t>, uint64_t> expected_from;
    std::vector<v1::PeerState> peer_changes;
    std::optional<double> resumed_at_h;
    bool first_grant = true;
  };

  // For every running node, the earliest hour a frame of another may reach
  // it (directly or through others).
  std::vector<double> earliest_input_h() const;
  void tell_peers(const std::string& node, bool up, double at_h);
  size_t index_of(const std::string& node) const;
  double earliest_start_h(size_t node) const;

  std::vector<std::string> names_;
  std::vector<NodeState> nodes_;
  // lookahead_h_[from][to].
  std::vector<std::vector<double>> lookahead_h_;
  double end_h_;
  uint64_t round_ = 0;
};

}  // namespace tearline
