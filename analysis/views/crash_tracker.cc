#include "analysis/views/crash_tracker.h"

#include <algorithm>
#include <tuple>

#include "analysis/read/message_fates.h"
#include "base/invariant.h"

namespace tearline::trace_views {

EventRef EventRef::of(const report::EventFields& fields, Interner* names) {
  EventRef event;
  event.key = TimeKey::of(fields);
  event.has_wall_ms = fields.wall_ms.has_value();
  event.node = names->id(fields.node);
  event.kind = names->id(fields.kind);
  event.peer = names->id(fields.peer);
  event.handoff = names->id(fields.handoff);
  event.reason = names->id(fields.reason);
  event.trace = fields.trace;
  return event;
}

void LastSeen::add(const EventRef& event, std::string_view kind) {
  if (!seen_ || last_.key < event.key) last_ = event;
  const bool resent = kind == "resent";
  if (resent || kind == "attempt_lost" || kind == "acked" || kind == "duplicate") {
    link_events_.push_back({event, resent || kind == "attempt_lost", resent, kind == "acked"});
  } else if (!last_other_ || last_other_->key < event.key) {
    last_other_ = event;
    last_other_sent_ = kind == "sent";
  }
  if (kind == "received" && (!received_ || received_->key < event.key)) received_ = event;
  seen_ = true;
  settled_ |= report::is_terminal(kind) || kind == "in_flight";
}

LastSeen::Places LastSeen::places() const {
  Places places{last_other_.value_or(last_), false, last_other_ && last_other_sent_, last_other_};
  bool have_last = last_other_.has_value();
  for (const LinkEvent& link : link_events_) {
    const bool after_arrival =
        received_ && link.event.handoff == received_->handoff && received_->key < link.event.key;
    if (after_arrival) continue;
    if (!have_last || places.last.key < link.event.key) {
      places.last = link.event;
      places.last_acked = link.acked;
      places.last_sent = link.sent;
      have_last = true;
    }
    if (link.placing && (!places.placed || places.placed->key < link.event.key)) {
      places.placed = link.event;
    }
  }
  return places;
}

void Deaths::add(const report::EventFields& fields) {
  if (!report::is_death(fields.kind, fields.reason, fields.fault)) return;
  const std::string reason = fields.reason == report::kLauncherDiedReason
                                 ? std::string(report::kLauncherDiedReason)
                                 : "crash:" + std::string(fields.node);
  as_read_[names_->id(fields.node)].push_back(
      {TimeKey::of(fields), {fields.t_h, fields.wall_ms.value_or(0), reason}});
}

void Deaths::finish() {
  in_order_.clear();
  for (auto& [node, deaths] : as_read_) {
    std::sort(deaths.begin(), deaths.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    auto& in_order = in_order_[node];
    for (const auto& [key, death] : deaths) in_order.push_back(death);
    // In time order, as report::first_death_after() reads them.
    TEARLINE_ASSERT(std::is_sorted(in_order.begin(), in_order.end(),
                                   [](const report::Death& a, const report::Death& b) {
                                     return std::tie(a.t_h, a.wall_ms) < std::tie(b.t_h, b.wall_ms);
                                   }));
  }
}

const report::Death* Deaths::after(uint32_t node, const TimeKey& key, bool has_wall_ms) const {
  const auto deaths = in_order_.find(node);
  if (deaths == in_order_.end()) return nullptr;
  return report::first_death_after(deaths->second, key.t_h,
                                   has_wall_ms ? std::optional(key.wall_ms) : std::nullopt);
}

std::optional<CrashLoss> Deaths::loss_of(const LastSeen& seen) const {
  if (!seen.seen() || seen.settled() || in_order_.empty()) return std::nullopt;
  const LastSeen::Places places = seen.places();
  const EventRef& last = places.last;
  // As report::holder_of: with the receiver once the sender saw it
  // acknowledged.
  const uint32_t holder =
      places.last_acked && last.peer != Interner::kEmpty ? last.peer : last.node;
  // Where and when the holder got it: the receiver's own last event, say,
  // not the acknowledgement that reached the sender after the receiver died.
  const EventRef& got_there =
      places.placed && places.placed->node == holder ? *places.placed : last;
  const report::Death* death = after(holder, got_there.key, got_there.has_wall_ms);
  uint32_t dead_node = holder;
  uint32_t handoff = got_there.handoff;
  if (death == nullptr && places.last_sent && last.peer != Interner::kEmpty) {
    // On its way, left by its sender to a receiver that died before taking
    // it in.
    death = after(last.peer, last.key, last.has_wall_ms);
    dead_node = last.peer;
    handoff = last.handoff;
  }
  if (death == nullptr) return std::nullopt;
  const EventRef& very_last = seen.last();
  return CrashLoss{{std::max(death->t_h, very_last.key.t_h), death->wall_ms, very_last.key.file,
                    very_last.key.line},
                   dead_node,
                   handoff,
                   death->loss_reason};
}

void CrashTracker::add(const report::EventFields& fields) {
  deaths_.add(fields);
  if (!fields.msg.empty()) messages_[fields.msg].add(EventRef::of(fields, names_), fields.kind);
}

std::vector<DerivedLoss> CrashTracker::losses() {
  deaths_.finish();
  std::vector<DerivedLoss> losses;
  if (deaths_.empty()) return losses;
  for (const auto& [id, seen] : messages_) {
    if (const auto loss = deaths_.loss_of(seen)) losses.push_back({*loss, id, seen.last()});
  }
  std::sort(losses.begin(), losses.end(),
            [](const DerivedLoss& a, const DerivedLoss& b) { return a.msg < b.msg; });
  return losses;
}

}  // namespace tearline::trace_views
