#include "node/scheduler.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "base/invariant.h"

namespace tearline {
namespace {

std::optional<DueEvent> earliest(
    std::initializer_list<std::pair<EventSource, std::optional<double>>> sources) {
  std::optional<DueEvent> result;
  // Strictly earlier only: at equal hours the source listed first wins.
  for (const auto& [source, at_h] : sources) {
    if (at_h && (!result || *at_h < result->at_h)) result = DueEvent{*at_h, source};
  }
  return result;
}

}  // namespace

std::optional<DueEvent> next_due(const DueHours& due, bool paused) {
  if (paused) return earliest({{EventSource::kControl, due.control}});
  return earliest({{EventSource::kControl, due.control},
                   {EventSource::kAck, due.ack},
                   {EventSource::kRole, due.role},
                   {EventSource::kLinks, due.links},
                   {EventSource::kIntake, due.intake}});
}

std::optional<double> next_send_bound_h(const DueHours& due, bool paused, double reached_h) {
  if (paused) return reached_h;
  const std::optional<DueEvent> next = earliest({{EventSource::kControl, due.control},
                                                 {EventSource::kRole, due.role},
                                                 {EventSource::kLinks, due.links},
                                                 {EventSource::kIntake, due.intake}});
  if (!next) return std::nullopt;
  return next->at_h;
}

std::optional<double> ControlQueue::next_h() const {
  if (events_.empty()) return std::nullopt;
  return events_.begin()->first;
}

ControlEvent ControlQueue::pop() {
  TEARLINE_ASSERT(!events_.empty());
  ControlEvent event = std::move(events_.begin()->second);
  events_.erase(events_.begin());
  // A command or a peer's change, never both or neither.
  TEARLINE_ASSERT(event.request.has_value() != event.peer.has_value());
  return event;
}

}  // namespace tearline
