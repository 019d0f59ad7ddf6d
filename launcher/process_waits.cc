// ProcessHost's waits for a process to catch up: a passive member's copy
// of the journal, the frames due at a node before it is killed.
#include <fmt/format.h>

#include <algorithm>

#include "launcher/process_host.h"
#include "launcher/process_host_timing.h"

namespace tearline {

bool received_all(const std::vector<v1::FrameCount>& due, const v1::NodeStatus& status) {
  const auto& received = status.frames_received();
  return std::all_of(due.begin(), due.end(), [&](const v1::FrameCount& wanted) {
    const auto has = std::find_if(received.begin(), received.end(), [&](const auto& count) {
      return count.peer() == wanted.peer() && count.peer_incarnation() == wanted.peer_incarnation();
    });
    return has != received.end() && has->frames() >= wanted.frames();
  });
}

bool ProcessHost::await_copy(const std::string& node, const std::string& member,
                             std::string* error) {
  const std::string active = process_of(node);
  v1::ControlRequest status;
  status.set_issued_by("launcher");
  status.mutable_status();
  const auto deadline = clock_.now() + kCatchUpPatience;
  while (true) {
    // One after the other: the active member's answer waits until the copy
    // holds what it had written, so the passive one's then says so.
    const auto dead = [this] { return ended(); };
    const auto written_reply = control_->broadcast(status, {active}, kStartupTimeout, dead);
    const auto copied_reply = control_->broadcast(status, {member}, kStartupTimeout, dead);
    if (!written_reply.contains(active) || !copied_reply.contains(member)) {
      return *error = "the active or the passive member ended", false;
    }
    const uint64_t written = written_reply.at(active).status().journal_bytes();
    const uint64_t copied = copied_reply.at(member).status().journal_bytes();
    if (copied >= written) return true;
    if (clock_.now() >= deadline) {
      *error = fmt::format("{} holds {} of the {} journal bytes {} wrote after {} s", member,
                           copied, written, active, kCatchUpPatience.count());
      return false;
    }
    idle(kCatchUpRetry);
  }
}

bool ProcessHost::await_frames_delivered(
    const std::map<std::string, std::vector<v1::FrameCount>>& due, std::string* error) {
  std::vector<std::string> waiting;  // Processes.
  std::map<std::string, const std::vector<v1::FrameCount>*> due_of;
  for (const auto& [node, counts] : due) {
    waiting.push_back(process_of(node));
    due_of[process_of(node)] = &counts;
  }
  v1::ControlRequest status;
  status.set_issued_by("launcher");
  status.mutable_status();
  const auto deadline = clock_.now() + kCatchUpPatience;
  while (true) {
    const auto replies =
        control_->broadcast(status, waiting, kStartupTimeout, [this] { return ended(); });
    std::vector<std::string> still;
    for (const std::string& node : waiting) {
      const auto reply = replies.find(node);
      if (reply == replies.end()) continue;  // It died: it waits for nothing.
      if (!received_all(*due_of.at(node), reply->second.status())) still.push_back(node);
    }
    if (still.empty()) return true;
    if (clock_.now() >= deadline) {
      *error = fmt::format("{} did not receive every frame due within {} s", fmt::join(still, ", "),
                           kCatchUpPatience.count());
      return false;
    }
    waiting = std::move(still);
    idle(kCatchUpRetry);
  }
}

}  // namespace tearline
