#include "analysis/report/exposure.h"

namespace tearline::report {

void SourceExposure::add(const EventFields& event) {
  if (event.kind != "received" || event.source_kind != "handle" ||
      event.source_agency == event.node) {
    return;
  }
  auto node = handles_by_node_.find(event.node);
  if (node == handles_by_node_.end())
    node = handles_by_node_.emplace(event.node, std::set<std::string>()).first;
  if (!event.source.empty()) node->second.emplace(event.source);
}

void SourceExposure::fill(v1::Exposure* exposure) const {
  for (const auto& [node, handles] : handles_by_node_) {
    auto* seen = (*exposure->mutable_source_handles_seen_by())[node].mutable_handles();
    for (const std::string& handle : handles) seen->Add(std::string(handle));
  }
  exposure->set_nodes(static_cast<uint32_t>(handles_by_node_.size()));
}

}  // namespace tearline::report
