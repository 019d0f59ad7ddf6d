#include "launcher/report/crash_losses.h"

#include <algorithm>
#include <map>
#include <string>

#include "launcher/report/message_fates.h"

namespace tearline::report {
namespace {

struct Death {
  double t_h;
  int64_t wall_ms;
};

bool is_death(const Event& event) {
  if (event.kind == "node_stopped") return !event.reason.empty() && event.reason != "exit:0";
  if (event.kind == "fault") return event.fault == "crash" || event.fault == "signal KILL";
  return false;
}

// Where a message is when `last` is its last event: with the receiver once
// the sender saw it acknowledged, else where the event happened.
const std::string& holder_of(const Event& last) {
  return last.kind == "acked" && !last.peer.empty() ? last.peer : last.node;
}

}  // namespace

void add_crash_losses(std::vector<Event>* events) {
  std::map<std::string, std::vector<Death>> deaths_by_node;
  for (const Event& event : *events) {
    if (is_death(event)) {
      deaths_by_node[event.node].push_back({event.t_h, event.wall_ms.value_or(0)});
    }
  }
  if (deaths_by_node.empty()) return;

  struct Seen {
    const Event* last = nullptr;
    bool settled = false;  // Has a terminal or in_flight event.
  };
  std::map<std::string, Seen> messages;
  for (const Event& event : *events) {
    if (event.msg.empty()) continue;
    Seen& seen = messages[event.msg];
    seen.last = &event;
    seen.settled |= is_terminal(event.kind) || event.kind == "in_flight";
  }

  std::vector<Event> losses;
  for (const auto& [id, seen] : messages) {
    if (seen.settled) continue;
    const Event& last = *seen.last;
    const auto deaths = deaths_by_node.find(holder_of(last));
    if (deaths == deaths_by_node.end()) continue;
    // The first death of the holder at or after the message got there.
    const auto death =
        std::find_if(deaths->second.begin(), deaths->second.end(), [&last](const Death& candidate) {
          return last.wall_ms && candidate.wall_ms ? candidate.wall_ms >= *last.wall_ms
                                                   : candidate.t_h >= last.t_h;
        });
    if (death == deaths->second.end()) continue;
    Event lost;
    lost.msg = id;
    lost.trace = last.trace;
    lost.node = deaths->first;
    lost.kind = "lost";
    lost.reason = "crash:" + deaths->first;
    lost.handoff = last.handoff;
    lost.t_h = std::max(death->t_h, last.t_h);
    lost.wall_ms = death->wall_ms;
    lost.file = last.file;
    lost.line = last.line;
    losses.push_back(std::move(lost));
  }
  for (Event& lost : losses) {
    lost.order = events->size();
    events->push_back(std::move(lost));
  }
}

}  // namespace tearline::report
