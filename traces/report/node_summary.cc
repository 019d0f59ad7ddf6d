#include "traces/report/node_summary.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

namespace tearline::report {
namespace {

constexpr std::string_view kTraceSuffix = ".trace.jsonl";
// Trace files written by tools rather than by a node.
constexpr std::string_view kLauncherNode = "launcher";
constexpr std::string_view kFaultToolsNode = "faults";

}  // namespace

nlohmann::json node_summary(const ModeTraces& traces) {
  std::map<std::string, nlohmann::json> nodes;
  const auto node_entry = [&nodes](const std::string& name) -> nlohmann::json& {
    nlohmann::json& node = nodes[name];
    if (node.is_null()) {
      node = {{"name", name},
              {"peak_rss_kib", nullptr},
              {"exit", nullptr},
              {"exits", nlohmann::json::array()}};
    }
    return node;
  };
  for (const std::string& file : traces.files) {
    const std::string name = std::filesystem::path(file).filename().string();
    const std::string node = name.substr(0, name.size() - kTraceSuffix.size());
    if (node != kLauncherNode && node != kFaultToolsNode) node_entry(node);
  }
  for (const Event& event : traces.events) {
    // A centre's member process ends as the centre (node_stopped) or as its
    // passive standby (standby_stopped), naming itself in `peer`.
    const bool member =
        !event.peer.empty() && (event.kind == "node_stopped" || event.kind == "standby_stopped");
    if ((event.kind != "node_stopped" && !member) || event.node.empty()) continue;
    nlohmann::json& node = node_entry(member ? event.peer : event.node);
    // A restarted node has one process per life: the largest peak counts,
    // and every exit is listed, the last one in "exit".
    if (event.peak_rss_kib && (node["peak_rss_kib"].is_null() ||
                               node["peak_rss_kib"].get<uint64_t>() < *event.peak_rss_kib)) {
      node["peak_rss_kib"] = *event.peak_rss_kib;
    }
    if (!event.reason.empty()) {
      node["exit"] = event.reason;
      node["exits"].push_back(event.reason);
    }
  }
  // Peak memory is a wall-clock fact (it differs from run to run), so the
  // launcher keeps it out of the traces, in nodes.json.
  if (!traces.files.empty()) {
    std::ifstream in(std::filesystem::path(traces.files.front()).parent_path() / "nodes.json");
    const nlohmann::json file = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (file.is_object() && file["nodes"].is_array()) {
      for (const nlohmann::json& entry : file["nodes"]) {
        const auto found = nodes.find(entry.value("name", ""));
        if (found != nodes.end() && entry.contains("peak_rss_kib") &&
            entry["peak_rss_kib"].is_number_unsigned()) {
          found->second["peak_rss_kib"] = entry["peak_rss_kib"];
        }
      }
    }
  }
  nlohmann::json result = nlohmann::json::array();
  for (auto& [name, node] : nodes) result.push_back(std::move(node));
  return result;
}

}  // namespace tearline::report
