#include "traces/report/exposure.h"

#include <map>
#include <set>
#include <string>

namespace tearline::report {

nlohmann::json source_exposure(const std::vector<Event>& events) {
  std::map<std::string, std::set<std::string>> handles_by_node;
  for (const Event& event : events) {
    if (event.kind != "received" || event.source_kind != "handle" ||
        event.source_agency == event.node) {
      continue;
    }
    std::set<std::string>& handles = handles_by_node[event.node];
    if (!event.source.empty()) handles.insert(event.source);
  }
  nlohmann::json seen_by = nlohmann::json::object();
  for (const auto& [node, handles] : handles_by_node) seen_by[node] = handles;
  return {{"source_handles_seen_by", seen_by}, {"nodes", handles_by_node.size()}};
}

}  // namespace tearline::report
