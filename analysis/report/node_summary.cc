#include "analysis/report/node_summary.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

namespace tearline::report {
namespace {

constexpr std::string_view kTraceSuffix = ".trace.jsonl";
// Trace files written by tools rather than by a node.
constexpr std::string_view kLauncherNode = "launcher";
constexpr std::string_view kFaultToolsNode = "faults";

}  // namespace

NodeExits::NodeExits(const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    const std::string name = std::filesystem::path(file).filename().string();
    const std::string stem = name.substr(0, name.size() - kTraceSuffix.size());
    if (stem != kLauncherNode && stem != kFaultToolsNode) node(stem);
  }
  if (!files.empty()) {
    nodes_json_ = (std::filesystem::path(files.front()).parent_path() / "nodes.json").string();
  }
}

v1::NodeExit& NodeExits::node(std::string_view name) {
  auto found = nodes_.find(name);
  if (found == nodes_.end()) {
    found = nodes_.emplace(std::string(name), v1::NodeExit()).first;
    found->second.set_name(std::string(name));
  }
  return found->second;
}

void NodeExits::add(const EventFields& event) {
  // A centre's member process ends as the centre (node_stopped) or as its
  // passive standby (standby_stopped), naming itself in `peer`.
  const bool member =
      !event.peer.empty() && (event.kind == "node_stopped" || event.kind == "standby_stopped");
  if ((event.kind != "node_stopped" && !member) || event.node.empty()) return;
  node(member ? event.peer : event.node);  // Listed, even without a reason.
  // A restarted node has one process per life: every exit is listed, the
  // last one in "exit". Its peak memory is in nodes.json (fill()).
  if (!event.reason.empty())
    add_exit(std::string(member ? event.peer : event.node), std::string(event.reason));
}

void NodeExits::add_exit(const std::string& name, const std::string& reason) {
  v1::NodeExit& exit = node(name);
  exit.set_exit(reason);
  exit.add_exits(reason);
}

void NodeExits::fill(v1::ModeReport* mode) const {
  std::map<std::string, v1::NodeExit, std::less<>> nodes = nodes_;
  // Peak memory is a wall-clock fact (it differs from run to run), so the
  // launcher keeps it out of the traces, in nodes.json.
  if (!nodes_json_.empty()) {
    std::ifstream in(nodes_json_);
    const nlohmann::json file = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (file.is_object() && file.contains("nodes") && file["nodes"].is_array()) {
      for (const nlohmann::json& entry : file["nodes"]) {
        const auto name = entry.is_object() ? entry.find("name") : entry.end();
        if (name == entry.end() || !name->is_string()) continue;
        const auto found = nodes.find(name->get<std::string>());
        const auto rss = entry.find("peak_rss_kib");
        if (found != nodes.end() && rss != entry.end() && rss->is_number_unsigned()) {
          found->second.set_peak_rss_kib(rss->get<uint32_t>());
        }
      }
    }
  }
  for (auto& [name, exit] : nodes) *mode->add_nodes() = std::move(exit);
}

}  // namespace tearline::report
