// Frames a node has received but not yet taken in, by the scenario hour they
// arrive (stamped by their sender). Acknowledgements and intake (envelopes,
// polls) are kept apart because a paused node holds back only its intake.
// Frames arriving at the same hour are taken in by sender name, then in the
// order that sender sent them, so the order never depends on which process
// the bytes came from first.
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "tearline/v1/frame.pb.h"

namespace tearline {

struct InboxEntry {
  std::string from;
  v1::Frame frame;
  // The hour it is taken in: frame.arrival_h(), or later when the frame came
  // after its hour (its sender died mid-window, sync/DESIGN.md).
  double intake_h = 0;
};

class Inbox {
 public:
  // Keeps `frame` from `from`, to be taken in at its arrival hour, or at
  // not_before_h if later.
  void put(const std::string& from, v1::Frame frame, double not_before_h);

  std::optional<double> next_ack_h() const;
  std::optional<double> next_intake_h() const;
  InboxEntry pop_ack();
  InboxEntry pop_intake();
  size_t size() const { return acks_.size() + intake_.size(); }
  // Forgets every envelope and poll arriving at or after at_h (a recovered
  // node's predecessor died then, and lost them); acknowledgements stay.
  void drop_intake_arriving_from(double at_h);
  // Every envelope or poll not yet taken in, in arrival order.
  template <typename Fn>
  void for_each_intake(Fn fn) const {
    for (const auto& [key, entry] : intake_) fn(entry);
  }

 private:
  // (arrival hour, sender, the sender's frame count).
  using Key = std::tuple<double, std::string, uint64_t>;
  std::map<Key, InboxEntry> acks_;
  std::map<Key, InboxEntry> intake_;
  std::map<std::string, uint64_t> frames_by_sender_;
};

}  // namespace tearline
