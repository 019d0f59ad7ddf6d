#include "node/intake/inbox.h"

#include <algorithm>

#include "base/invariant.h"

namespace tearline {

void Inbox::put(const std::string& from, v1::Frame frame, double not_before_h) {
  const double intake_h = std::max(frame.arrival_h(), not_before_h);
  const Key key{intake_h, from, ++frames_by_sender_[from]};
  auto& queue = frame.has_ack() ? acks_ : intake_;
  queue.emplace(key, InboxEntry{from, std::move(frame), intake_h});
}

std::optional<double> Inbox::next_ack_h() const {
  if (acks_.empty()) return std::nullopt;
  return std::get<0>(acks_.begin()->first);
}

std::optional<double> Inbox::next_intake_h() const {
  if (intake_.empty()) return std::nullopt;
  return std::get<0>(intake_.begin()->first);
}

InboxEntry Inbox::pop_ack() {
  TEARLINE_ASSERT(!acks_.empty());
  InboxEntry entry = std::move(acks_.begin()->second);
  acks_.erase(acks_.begin());
  return entry;
}

InboxEntry Inbox::pop_intake() {
  TEARLINE_ASSERT(!intake_.empty());
  InboxEntry entry = std::move(intake_.begin()->second);
  intake_.erase(intake_.begin());
  return entry;
}

void Inbox::drop_intake_arriving_from(double at_h) {
  intake_.erase(intake_.lower_bound(Key{at_h, "", 0}), intake_.end());
}

}  // namespace tearline
