#include "launcher/chaos.h"

#include <fmt/format.h>

#include "node/fault_commands.h"
#include "model/random.h"

namespace tearline {
namespace {

// One fault per this many scenario hours.
constexpr double kHoursPerFault = 24;
// Faults start after this share of the scenario and are over (undone or
// restarted) before the other bound, so the run ends with every node up.
constexpr double kFirstShare = 0.05;
constexpr double kLastShare = 0.85;

class Draws {
 public:
  Draws(uint64_t seed, size_t index) : random_(seed), key_(std::to_string(index)) {}
  double uniform(double low, double high) {
    return low + (high - low) * random_.uniform("chaos", key_, draw_++);
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    const auto index = static_cast<size_t>(uniform(0, static_cast<double>(items.size())));
    return items[std::min(index, items.size() - 1)];
  }

 private:
  Random random_;
  std::string key_;
  uint64_t draw_ = 0;
};

std::vector<std::string> all_nodes(const Scenario& scenario) { return scenario.node_names(); }

std::vector<std::string> departments_of(const Scenario& scenario, const std::string& node) {
  if (node == scenario.broker.name) return {"officers@" + node};
  if (scenario.unit(node)) return {"intake@" + node};
  return {"desk@" + node, "database@" + node};
}

}  // namespace

std::vector<FaultSpec> chaos_schedule(const Scenario& scenario, uint64_t chaos_seed) {
  const std::vector<std::string> nodes = all_nodes(scenario);
  std::vector<std::string> agencies;
  for (const AgencySpec& agency : scenario.agencies) agencies.push_back(agency.name);
  const double first_h = scenario.duration_h * kFirstShare;
  const double last_h = scenario.duration_h * kLastShare;
  const auto count = static_cast<size_t>(std::max(2.0, scenario.duration_h / kHoursPerFault));
  const std::vector<std::string> kinds = {"partition", "link",  "link", "pause",
                                          "queue",     "crash", "kill", "stop"};

  std::vector<FaultSpec> faults;
  for (size_t i = 0; i < count; ++i) {
    Draws draws(chaos_seed, i);
    // The first two are the SIGKILLs every chaos run must survive.
    const std::string kind = i < 2 ? "kill" : draws.pick(kinds);
    FaultSpec fault;
    fault.command = kind;
    fault.node = i == 0 ? scenario.broker.name : i == 1 ? draws.pick(agencies) : draws.pick(nodes);
    const double length_h = draws.uniform(0.02, 0.08) * scenario.duration_h;
    fault.at_h = draws.uniform(first_h, last_h - length_h);
    v1::ControlRequest& request = fault.request;
    request.set_issued_by("chaos");
    if (kind == "kill" || kind == "crash") {
      fault.restart_after_h = length_h;
      if (kind == "crash") request.mutable_crash();
    } else {
      fault.for_h = length_h;
    }
    if (kind == "pause") request.mutable_pause();
    if (kind == "partition") {
      std::string peer = draws.pick(nodes);
      if (peer == fault.node)
        peer =
            nodes[(std::find(nodes.begin(), nodes.end(), peer) - nodes.begin() + 1) % nodes.size()];
      request.mutable_partition()->add_peers(peer);
    }
    if (kind == "link") {
      v1::SetLink* link = request.mutable_link();
      link->set_peer("*");
      link->set_loss_probability(draws.uniform(0.2, 0.9));
      link->set_delay_h(draws.uniform(0, 12));
      link->set_duplicate_probability(draws.uniform(0, 0.3));
      link->set_reorder_probability(draws.uniform(0, 0.3));
      link->set_reorder_window_h(draws.uniform(0, 6));
    }
    if (kind == "queue") {
      v1::SetQueue* queue = request.mutable_queue();
      queue->set_name(draws.pick(departments_of(scenario, fault.node)));
      queue->set_workers(0);
    }
    faults.push_back(std::move(fault));
  }
  return faults;
}

std::string describe_schedule(const std::vector<FaultSpec>& faults) {
  std::string text;
  for (const FaultSpec& fault : faults) {
    std::string what = fault.command == "kill"   ? "SIGKILL"
                       : fault.command == "stop" ? "SIGSTOP"
                                                 : describe_command(fault.request);
    text += fmt::format("{:8.1f} h  {:<20} {}", fault.at_h, fault.node, what);
    if (fault.for_h) text += fmt::format(", for {:.1f} h", *fault.for_h);
    if (fault.restart_after_h)
      text += fmt::format(", restarted {:.1f} h later", *fault.restart_after_h);
    text += "\n";
  }
  return text;
}

}  // namespace tearline
