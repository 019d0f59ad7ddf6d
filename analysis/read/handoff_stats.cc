#include "analysis/read/handoff_stats.h"

#include <array>

namespace tearline::report {
namespace {

constexpr std::array<std::string_view, 4> kQueueDepartments = {"desk", "database", "officers",
                                                               "intake"};

}  // namespace

HandoffName classify_handoff(std::string_view name) {
  if (const size_t arrow = name.find("->"); arrow != std::string_view::npos) {
    return {HandoffType::kLink, std::string(name.substr(0, arrow)),
            std::string(name.substr(arrow + 2))};
  }
  const size_t at = name.find('@');
  if (at == std::string_view::npos) return {};
  const std::string_view department = name.substr(0, at);
  const std::string node(name.substr(at + 1));
  if (department == "sharing") return {HandoffType::kDecision, node, node};
  for (const std::string_view queue : kQueueDepartments) {
    if (department == queue) return {HandoffType::kQueue, node, node};
  }
  return {};
}

std::string_view type_name(HandoffType type) {
  switch (type) {
    case HandoffType::kLink:
      return "link";
    case HandoffType::kQueue:
      return "queue";
    case HandoffType::kDecision:
      return "decision";
    case HandoffType::kOther:
      break;
  }
  return "other";
}

}  // namespace tearline::report
