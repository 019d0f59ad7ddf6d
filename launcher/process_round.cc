// ProcessHost's rounds: grants out, reports back, while processes die,
// stall or are interrupted.
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <set>

#include "launcher/process_host.h"
#include "launcher/process_host_timing.h"

namespace tearline {

std::map<std::string, v1::RoundReport> ProcessHost::run_round(
    std::map<std::string, v1::Grant> grants, std::vector<std::string>* failures) {
  std::map<std::string, uint64_t> awaiting;
  for (auto& [node, grant] : grants) {  // Awaited by process.
    v1::ControlRequest request;
    request.set_issued_by("launcher");
    *request.mutable_grant() = std::move(grant);
    awaiting[process_of(node)] = control_->send(process_of(node), request);
  }
  std::map<std::string, v1::RoundReport> reports;
  const WallClock::Time began = clock_.now();
  bool noticed = false;
  std::set<std::string> told;  // Deaths the awaited nodes were told of.
  std::vector<zmq::pollitem_t> items;
  bool look_for_exits = supervisor_.may_have_exited();
  // Interrupted (Ctrl-C), the round is still finished, so that every node
  // can be brought to one stop hour; a node stopped from outside is
  // continued for it, and one that does not answer is given up on.
  std::optional<WallClock::Time> give_up;
  while (!awaiting.empty()) {
    if (!give_up && options_.interrupted()) {
      give_up = clock_.now() + kStopTimeout;
      for (const auto& [process, request_id] : awaiting) signal(process, SIGCONT);
    }
    if (give_up && clock_.now() >= *give_up) {
      for (const auto& [process, request_id] : awaiting) {
        failures->push_back(
            fmt::format("node {} did not answer its grant within {} s of the interrupt", process,
                        kStopTimeout.count()));
      }
      break;
    }
    // A node that answered and then died still answered: its reply is read
    // before its death drops it from the wait.
    const std::set<std::string> gone = look_for_exits ? ended() : std::set<std::string>{};
    tell_of_deaths(gone, awaiting, &told);
    for (auto it = awaiting.begin(); it != awaiting.end();) {
      if (!gone.contains(it->first)) {
        ++it;
        continue;
      }
      if (const auto reply = control_->receive(it->first, it->second); reply && reply->ok()) {
        reports[node_of(it->first)] = reply->round_report();
      }
      it = awaiting.erase(it);
    }
    std::vector<std::string> order;
    items.clear();
    for (const auto& [node, request_id] : awaiting) {
      items.push_back(control_->pollitem(node));
      order.push_back(node);
    }
    // Exits are looked for when a pidfd says so, or after a quiet step.
    look_for_exits = poll(std::move(items), kPollStep, &items);
    for (size_t i = 0; i < order.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN)) continue;
      const std::optional<v1::ControlReply> reply =
          control_->receive(order[i], awaiting.at(order[i]));
      if (!reply) continue;
      if (reply->ok()) {
        reports[node_of(order[i])] = reply->round_report();
      } else {
        failures->push_back("node " + order[i] + " refused a grant: " + reply->error());
      }
      awaiting.erase(order[i]);
    }
    if (!noticed && !awaiting.empty() && clock_.now() - began > kStallNotice) {
      noticed = true;
      std::vector<std::string> names;
      for (const auto& [node, request_id] : awaiting) names.push_back(node);
      fmt::print(stderr, "\n{}: waiting for {} (stopped from outside?); scenario time waits\n",
                 options_.mode, fmt::join(names, ", "));
    }
  }
  return reports;
}

void ProcessHost::tell_of_deaths(const std::set<std::string>& gone,
                                 const std::map<std::string, uint64_t>& awaiting,
                                 std::set<std::string>* told) {
  for (const std::string& dead : gone) {
    if (!told->insert(dead).second) continue;
    v1::ControlRequest request;
    request.set_issued_by("launcher");
    const std::string active = process_of(node_of(dead));
    if (active != dead) {
      // A centre's passive member: its active member, which may hold its
      // answer until the copy has grown, stops waiting for it. (Its name
      // may be the centre's: nobody else is told.)
      request.mutable_peer_gone()->set_node(dead);
      if (!gone.contains(active)) control_->send(active, request);
      continue;
    }
    request.mutable_peer_gone()->set_node(node_of(dead));
    for (const auto& [node, request_id] : awaiting) {
      if (!gone.contains(node)) control_->send(node, request);
    }
  }
}

}  // namespace tearline
