// The fault schedule of a scenario ([[fault]]; scenarios/README.md): each
// command with the keys it takes, as the control request the launcher sends.

#include <algorithm>
#include <map>
#include <set>

#include "base/invariant.h"
#include "scenario/scenario_reading.h"

namespace tearline::scenario_reading {

namespace {

const std::vector<std::string> kCommands = {"pause", "link",     "partition", "queue",
                                            "crash", "kill",     "stop",      "lose",
                                            "delay", "withhold", "share-full"};

const std::set<std::string> kIntelCommands = {"lose", "delay", "withhold", "share-full"};

// Which keys each command takes beyond at, node, command.
const std::map<std::string, std::vector<std::string>> kKeysByCommand = {
    {"pause", {"for_h"}},
    {"stop", {"for_h"}},
    {"crash", {"restart_after_h"}},
    {"kill", {"restart_after_h"}},
    {"partition", {"for_h", "peers"}},
    {"queue", {"for_h", "queue", "workers", "service_h", "capacity_msgs"}},
    {"link",
     {"for_h", "peer", "delay_h", "jitter_h", "loss_probability", "duplicate_probability",
      "reorder_probability", "reorder_window_h", "bandwidth_msgs_per_h"}},
    // Faults aimed at intelligence (intel_fault_reader.cc).
    {"lose", {"report", "trace", "subject"}},
    {"delay", {"report", "trace", "subject", "delay_h"}},
    {"withhold", {"report", "trace", "subject"}},
    {"share-full", {"report", "trace", "subject"}}};

// Refuses a key the table's command does not take.
void check_keys_fit(const TomlTable& table, const std::string& command) {
  const auto allowed = kKeysByCommand.find(command);
  TEARLINE_ASSERT(allowed != kKeysByCommand.end());  // The command was checked against kCommands.
  for (std::string_view key :
       {"for_h", "restart_after_h", "peers", "peer", "delay_h", "jitter_h", "loss_probability",
        "duplicate_probability", "reorder_probability", "reorder_window_h", "bandwidth_msgs_per_h",
        "queue", "workers", "service_h", "capacity_msgs", "report", "trace", "subject"}) {
    if (table.has(key) && std::find(allowed->second.begin(), allowed->second.end(),
                                    std::string(key)) == allowed->second.end()) {
      table.fail(key, "does not apply to command " + in_quotes(command));
    }
  }
}

void read_link(const TomlTable& table, const Scenario& scenario, const NamePlaces& nodes,
               v1::SetLink* link) {
  link->set_peer(table.string("peer").value_or("*"));
  if (link->peer() != "*") check_peer_ref(table, "peer", link->peer(), scenario, nodes);
  if (table.has("delay_h"))
    link->set_delay_h(table.bounded_number("delay_h", NumberBound::kNonNegative));
  if (table.has("jitter_h"))
    link->set_jitter_h(table.bounded_number("jitter_h", NumberBound::kNonNegative));
  if (table.has("loss_probability")) {
    link->set_loss_probability(table.bounded_number("loss_probability", NumberBound::kProbability));
  }
  if (table.has("duplicate_probability")) {
    link->set_duplicate_probability(
        table.bounded_number("duplicate_probability", NumberBound::kProbability));
  }
  if (table.has("reorder_probability")) {
    link->set_reorder_probability(
        table.bounded_number("reorder_probability", NumberBound::kProbability));
  }
  if (table.has("reorder_window_h")) {
    link->set_reorder_window_h(table.bounded_number("reorder_window_h", NumberBound::kNonNegative));
  }
  if (table.has("bandwidth_msgs_per_h")) {
    link->set_bandwidth_msgs_per_h(
        table.bounded_number("bandwidth_msgs_per_h", NumberBound::kPositive));
  }
}

void read_queue_change(const TomlTable& table, v1::SetQueue* queue) {
  queue->set_name(table.required_string("queue"));
  if (table.has("workers")) {
    queue->set_workers(static_cast<uint32_t>(table.bounded_integer("workers", 0, kWorkersMax)));
  }
  if (table.has("service_h")) {
    queue->set_service_h(table.bounded_number("service_h", NumberBound::kPositive));
  }
  if (table.has("capacity_msgs")) {
    queue->set_capacity_msgs(
        static_cast<uint32_t>(table.bounded_integer("capacity_msgs", 0, kCapacityMsgsMax)));
  }
}

}  // namespace

std::vector<FaultSpec> read_faults(const TomlTable& root, const Scenario& scenario,
                                   const NamePlaces& nodes) {
  std::vector<FaultSpec> faults;
  std::map<std::string, size_t> intel_faults_at;  // By agency.
  for (const TomlTable& table : root.tables("fault", {"at",
                                                      "at_h",
                                                      "node",
                                                      "command",
                                                      "for_h",
                                                      "restart_after_h",
                                                      "peers",
                                                      "peer",
                                                      "delay_h",
                                                      "jitter_h",
                                                      "loss_probability",
                                                      "duplicate_probability",
                                                      "reorder_probability",
                                                      "reorder_window_h",
                                                      "bandwidth_msgs_per_h",
                                                      "queue",
                                                      "workers",
                                                      "service_h",
                                                      "capacity_msgs",
                                                      "report",
                                                      "trace",
                                                      "subject"})) {
    FaultSpec fault;
    fault.at_h = read_moment_h(table, "at", "at_h", scenario);
    fault.node = table.required_string("node");
    check_node_ref(table, "node", fault.node, nodes);
    fault.command = table.required_string("command");
    if (std::find(kCommands.begin(), kCommands.end(), fault.command) == kCommands.end()) {
      table.fail("command", "unknown fault command " + in_quotes(fault.command) +
                                did_you_mean(fault.command, kCommands, "commands"));
    }
    if (fault.node == scenario.broker.standby && fault.command != "kill" &&
        fault.command != "stop" && fault.command != "crash") {
      table.fail("command", "the standby " + in_quotes(fault.node) +
                                " takes only kill, stop and crash: other faults name the "
                                "centre, " +
                                in_quotes(scenario.broker.name) + ", whichever member is active");
    }
    check_keys_fit(table, fault.command);
    if (table.has("for_h")) fault.for_h = table.bounded_number("for_h", NumberBound::kPositive);
    if (table.has("restart_after_h")) {
      fault.restart_after_h = table.bounded_number("restart_after_h", NumberBound::kNonNegative);
    }
    v1::ControlRequest& request = fault.request;
    request.set_issued_by("schedule");
    if (fault.command == "pause") request.mutable_pause();
    if (fault.command == "crash") request.mutable_crash();
    if (fault.command == "partition") {
      const toml::array* peers = table.array("peers");
      if (peers == nullptr || peers->empty()) table.fail_missing("peers");
      for (const toml::node& peer : *peers) {
        const auto* name = peer.as_string();
        if (name == nullptr) table.fail("peers", "must be a list of node names");
        check_peer_ref(table, "peers", name->get(), scenario, nodes);
        request.mutable_partition()->add_peers(name->get());
      }
    }
    if (fault.command == "link") read_link(table, scenario, nodes, request.mutable_link());
    if (fault.command == "queue") read_queue_change(table, request.mutable_queue());
    if (kIntelCommands.contains(fault.command)) {
      read_intel_fault(table, scenario, fault.node, request.mutable_intel());
      if (++intel_faults_at[fault.node] > kIntelFaultsPerAgencyMax) {
        table.fail("command", "more than " + std::to_string(kIntelFaultsPerAgencyMax) +
                                  " faults aimed at intelligence at " + in_quotes(fault.node));
      }
    }
    faults.push_back(std::move(fault));
  }
  return faults;
}

}  // namespace tearline::scenario_reading
