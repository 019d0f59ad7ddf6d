#include "traces/report/message_paths.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <set>

#include "traces/report/handoff_stats.h"

namespace tearline::report {
namespace {

// Appends the events of `id` before `cutoff_order`, and its ancestors' before
// its creation. `visited` guards against a cycle of parents.
void collect(const MessageIndex& index, const std::string& id, size_t cutoff_order,
             std::set<std::string>* visited, std::vector<const Event*>* events) {
  const Message* message = index.find(id);
  if (message == nullptr || !visited->insert(id).second) return;
  if (message->created != nullptr && !message->parent.empty()) {
    collect(index, message->parent, message->created->order, visited, events);
  }
  for (const Event* event : message->events) {
    if (event->order < cutoff_order) events->push_back(event);
  }
}

}  // namespace

std::vector<std::string> message_path(const MessageIndex& index, const std::string& msg) {
  std::vector<const Event*> events;
  std::set<std::string> visited;
  collect(index, msg, std::numeric_limits<size_t>::max(), &visited, &events);
  std::sort(events.begin(), events.end(),
            [](const Event* a, const Event* b) { return a->order < b->order; });

  std::vector<std::string> path;
  std::set<std::string> named;
  for (const Event* event : events) {
    if (classify_handoff(event->handoff).type == HandoffType::kOther) continue;
    if (named.insert(event->handoff).second) path.push_back(event->handoff);
  }
  return path;
}

}  // namespace tearline::report
