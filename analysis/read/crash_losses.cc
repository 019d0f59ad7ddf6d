#include "analysis/read/crash_losses.h"

#include <algorithm>
#include <map>
#include <string>

#include "analysis/read/message_fates.h"

namespace tearline::report {

bool is_death(std::string_view kind, std::string_view reason, std::string_view fault) {
  if (kind == "node_stopped") return !reason.empty() && reason != "exit:0";
  if (kind == "fault") return fault == "crash" || fault == "signal KILL";
  return false;
}

std::string_view holder_of(std::string_view kind, std::string_view peer, std::string_view node) {
  return kind == "acked" && !peer.empty() ? peer : node;
}

const Death* first_death_after(const std::vector<Death>& deaths, double t_h,
                               std::optional<int64_t> wall_ms) {
  const auto death =
      std::find_if(deaths.begin(), deaths.end(), [t_h, wall_ms](const Death& candidate) {
        return wall_ms && candidate.wall_ms ? candidate.wall_ms >= *wall_ms : candidate.t_h >= t_h;
      });
  return death == deaths.end() ? nullptr : &*death;
}

void add_crash_losses(std::vector<Event>* events) {
  std::map<std::string, std::vector<Death>> deaths_by_node;
  for (const Event& event : *events) {
    if (is_death(event.kind, event.reason, event.fault)) {
      deaths_by_node[event.node].push_back({event.t_h, event.wall_ms.value_or(0),
                                            event.reason == kLauncherDiedReason
                                                ? std::string(kLauncherDiedReason)
                                                : "crash:" + event.node});
    }
  }
  if (deaths_by_node.empty()) return;

  struct Seen {
    // Its last event but the sender's retransmissions after the receiver
    // took it in (a late timer, an acknowledgement handled late: they do
    // not move it).
    const Event* last = nullptr;
    std::string_view received_on;  // The handoff it last arrived by.
    // The last event that put it somewhere (not an acknowledgement, nor a
    // duplicate's arrival): where and when its holder got it.
    const Event* last_placed = nullptr;
    const Event* very_last = nullptr;
    bool settled = false;  // Has a terminal or in_flight event.
  };
  std::map<std::string, Seen> messages;
  for (const Event& event : *events) {
    if (event.msg.empty()) continue;
    Seen& seen = messages[event.msg];
    const bool retransmission = (event.kind == "resent" || event.kind == "attempt_lost" ||
                                 event.kind == "acked" || event.kind == "duplicate") &&
                                !seen.received_on.empty() && event.handoff == seen.received_on;
    if (event.kind == "received") seen.received_on = event.handoff;
    if (!retransmission) seen.last = &event;
    if (!retransmission && event.kind != "acked" && event.kind != "duplicate") {
      seen.last_placed = &event;
    }
    seen.very_last = &event;
    seen.settled |= is_terminal(event.kind) || event.kind == "in_flight";
  }

  std::vector<Event> losses;
  for (const auto& [id, seen] : messages) {
    if (seen.settled) continue;
    const Event& last = *seen.last;
    const std::string holder(holder_of(last.kind, last.peer, last.node));
    const Death* death = nullptr;
    std::string dead_node;
    // Where the holder had it: the receiver's intake, say, not the link it
    // came out of (counted out there already).
    std::string handoff = last.handoff;
    if (const auto deaths = deaths_by_node.find(holder); deaths != deaths_by_node.end()) {
      // The first death of the holder at or after the message got there:
      // for an acknowledged message, when its receiver last did something
      // with it (the acknowledgement may reach the sender after the
      // receiver died).
      const Event& got_there =
          seen.last_placed && seen.last_placed->node == holder ? *seen.last_placed : last;
      death = first_death_after(deaths->second, got_there.t_h, got_there.wall_ms);
      dead_node = deaths->first;
      handoff = got_there.handoff;
    }
    if (death == nullptr && (last.kind == "sent" || last.kind == "resent") && !last.peer.empty()) {
      // On its way, and its sender, alive, did not record it at its stop:
      // it left it to the receiver, whose process had it (or was about to)
      // and died before taking it in (a node killed inside its last window).
      if (const auto deaths = deaths_by_node.find(std::string(last.peer));
          deaths != deaths_by_node.end()) {
        death = first_death_after(deaths->second, last.t_h, last.wall_ms);
        dead_node = deaths->first;
        handoff = last.handoff;
      }
    }
    if (death == nullptr) continue;
    Event lost;
    lost.msg = id;
    lost.trace = last.trace;
    lost.node = dead_node;
    lost.kind = "lost";
    lost.reason = death->loss_reason;
    lost.handoff = handoff;
    lost.t_h = std::max(death->t_h, seen.very_last->t_h);  // Never before its last event.
    lost.wall_ms = death->wall_ms;
    lost.file = seen.very_last->file;
    lost.line = seen.very_last->line;
    lost.derived = true;
    losses.push_back(std::move(lost));
  }
  if (losses.empty()) return;
  for (Event& lost : losses) events->push_back(std::move(lost));
  // A loss sorts after its message's last event: never earlier in time, and
  // on a tie of time and line, after it in the vector.
  sort_in_time_order(events);
}

}  // namespace tearline::report
