#include "launcher/report/node_summary.h"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace tearline::report {
namespace {

constexpr std::string_view kTraceSuffix = ".trace.jsonl";
constexpr std::string_view kLauncherNode = "launcher";

}  // namespace

nlohmann::json node_summary(const ModeTraces& traces) {
  std::map<std::string, nlohmann::json> nodes;
  const auto node_entry = [&nodes](const std::string& name) -> nlohmann::json& {
    nlohmann::json& node = nodes[name];
    if (node.is_null()) node = {{"name", name}, {"peak_rss_kib", nullptr}, {"exit", nullptr}};
    return node;
  };
  for (const std::string& file : traces.files) {
    const std::string name = std::filesystem::path(file).filename().string();
    const std::string node = name.substr(0, name.size() - kTraceSuffix.size());
    if (node != kLauncherNode) node_entry(node);
  }
  for (const Event& event : traces.events) {
    if (event.kind != "node_stopped" || event.node.empty()) continue;
    nlohmann::json& node = node_entry(event.node);
    if (event.peak_rss_kib) node["peak_rss_kib"] = *event.peak_rss_kib;
    if (!event.reason.empty()) node["exit"] = event.reason;
  }
  nlohmann::json result = nlohmann::json::array();
  for (auto& [name, node] : nodes) result.push_back(std::move(node));
  return result;
}

}  // namespace tearline::report
