#include "analysis/pictures/handoff_labels.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace tearline::pictures {

int department_rank(const std::string& name) {
  static const std::map<std::string, int> kRanks = {{"desk", 0},   {"sharing", 1},  {"database", 2},
                                                    {"cipher", 3}, {"officers", 4}, {"intake", 5}};
  const auto it = kRanks.find(name.substr(0, name.find('@')));
  return it == kRanks.end() ? 9 : it->second;
}

std::vector<Line> lines_of(const v1::Handoff& handoff, bool link) {
  std::vector<Line> lines;
  Line counts{{{"in ", ""},
               {count_text(handoff.in()), "in"},
               {" · out ", ""},
               {count_text(handoff.out()), "out"}},
              "",
              false};
  const std::string department = handoff.name().substr(0, handoff.name().find('@'));
  if (link) {
    lines.push_back({{{handoff.from() + " → " + handoff.to(), "name"}}, "", true});
  } else {
    counts.spans.insert(counts.spans.begin(), Span{department + "  ", "name"});
  }
  lines.push_back(counts);
  Line second;
  // A decision takes no time: its delays would only be noise.
  if (handoff.type() != "decision" && handoff.delay_h().n() > 0 && handoff.delay_h().has_p50()) {
    second.spans.push_back({fmt::format("p50 {} · p90 {}", duration_text(handoff.delay_h().p50()),
                                        duration_text(handoff.delay_h().p90())),
                            "delay"});
  }
  if (handoff.in_flight() > 0) {
    if (!second.spans.empty()) second.spans.push_back({" · ", ""});
    second.spans.push_back({count_text(handoff.in_flight()), "in-flight"});
    second.spans.push_back({" in flight", ""});
  }
  if (!second.spans.empty()) lines.push_back(second);
  if (handoff.has_shared_full() || handoff.has_sanitised()) {
    lines.push_back({{{fmt::format("{} in full · {} sanitised", count_text(handoff.shared_full()),
                                   count_text(handoff.sanitised())),
                       "sharing"}},
                     handoff.sanitised() > 0 ? "degraded" : "",
                     false});
  }
  if (handoff.resent() > 0) {
    lines.push_back({{{fmt::format("{} resent", count_text(handoff.resent())), ""}}, "", false});
  }
  // Losses, the largest first, in red where they happen.
  std::vector<std::pair<std::string, uint32_t>> lost(handoff.lost().begin(), handoff.lost().end());
  std::sort(lost.begin(), lost.end(), [](const auto& a, const auto& b) {
    return std::tie(b.second, a.first) < std::tie(a.second, b.first);
  });
  for (const auto& [reason, count] : lost) {
    lines.push_back(
        {{{"✕ ", ""}, {count_text(count), "lost"}, {" " + reason, "reason"}}, "loss", false});
  }
  return lines;
}

}  // namespace tearline::pictures
