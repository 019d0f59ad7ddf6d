#include "traces/trace_views/crash_tracker.h"

#include <algorithm>
#include <map>

#include "traces/report/message_fates.h"

namespace tearline::trace_views {

void CrashTracker::add(const report::EventFields& fields) {
  if (report::is_death(fields.kind, fields.reason, fields.fault)) {
    const uint32_t node = names_->id(fields.node);
    const std::string reason = fields.reason == report::kLauncherDiedReason
                                   ? std::string(report::kLauncherDiedReason)
                                   : "crash:" + std::string(fields.node);
    deaths_by_node_[node].push_back(
        {TimeKey::of(fields), {fields.t_h, fields.wall_ms.value_or(0), reason}});
  }
  if (fields.msg.empty()) return;
  Place place;
  place.key = TimeKey::of(fields);
  place.has_wall_ms = fields.wall_ms.has_value();
  place.acked = fields.kind == "acked";
  place.sent = fields.kind == "sent" || fields.kind == "resent";
  place.node = names_->id(fields.node);
  place.peer = names_->id(fields.peer);
  const auto [it, first] = messages_.try_emplace(fields.msg);
  Seen& seen = it->second;
  if (first || seen.last.key < place.key) {
    seen.last = place;
    seen.trace = fields.trace;
    seen.handoff = names_->id(fields.handoff);
  }
  if (!place.acked && (!seen.has_not_acked || seen.last_not_acked.key < place.key)) {
    seen.has_not_acked = true;
    seen.last_not_acked = place;
  }
  seen.settled |= report::is_terminal(fields.kind) || fields.kind == "in_flight";
}

const report::Death* CrashTracker::death_after(uint32_t node, const Place& at) const {
  const auto deaths = deaths_in_order_.find(node);
  if (deaths == deaths_in_order_.end()) return nullptr;
  return report::first_death_after(deaths->second, at.key.t_h,
                                   at.has_wall_ms ? std::optional(at.key.wall_ms) : std::nullopt);
}

std::vector<CrashLoss> CrashTracker::losses() {
  deaths_in_order_.clear();
  for (auto& [node, deaths] : deaths_by_node_) {
    std::sort(deaths.begin(), deaths.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, death] : deaths) deaths_in_order_[node].push_back(death);
  }
  std::vector<CrashLoss> losses;
  if (deaths_in_order_.empty()) return losses;
  for (const auto& [id, seen] : messages_) {
    if (seen.settled) continue;
    const Place& last = seen.last;
    // As report::holder_of: with the receiver once the sender saw it
    // acknowledged.
    const uint32_t holder = last.acked && last.peer != Interner::kEmpty ? last.peer : last.node;
    // For an acknowledged message, it got to its receiver when the receiver
    // last did something with it.
    const Place& got_there = last.acked && seen.has_not_acked && seen.last_not_acked.node == holder
                                 ? seen.last_not_acked
                                 : last;
    const report::Death* death = death_after(holder, got_there);
    uint32_t dead_node = holder;
    if (death == nullptr && last.sent && last.peer != Interner::kEmpty) {
      // On its way, left by its sender to a receiver that died before
      // taking it in.
      death = death_after(last.peer, last);
      dead_node = last.peer;
    }
    if (death == nullptr) continue;
    CrashLoss loss;
    loss.key = {std::max(death->t_h, last.key.t_h), death->wall_ms, last.key.file, last.key.line};
    loss.msg = id;
    loss.trace = seen.trace;
    loss.handoff = names_->text(seen.handoff);
    loss.node = names_->text(dead_node);
    loss.reason = death->loss_reason;
    losses.push_back(loss);
  }
  std::sort(losses.begin(), losses.end(),
            [](const CrashLoss& a, const CrashLoss& b) { return a.msg < b.msg; });
  return losses;
}

}  // namespace tearline::trace_views
