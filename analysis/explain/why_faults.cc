// explain_faults(): one sentence per fault with what it cost; a run with
// many faults (a chaos run has 60+) tells the costliest and sums the rest.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "analysis/explain/why.h"
#include "analysis/explain/words.h"

namespace tearline::explain {
namespace {

// Faults told one by one per mode; beyond, the costliest are and the rest
// are summed in one sentence.
constexpr size_t kFaultsToldMax = 5;

struct Cost {
  uint64_t lost = 0;
  uint64_t attempts_lost = 0;
  uint64_t delayed = 0;

  auto operator<=>(const Cost&) const = default;  // Lost messages weigh most.
};

Cost cost_of(const v1::FaultEffect& fault) {
  uint64_t lost = 0;
  for (const auto& [reason, count] : fault.lost()) lost += count;
  return {lost, fault.attempts_lost(), fault.delayed()};
}

// " (link-loss 2, crash:broker 1)" when messages were lost, most first.
std::string reasons_text(const v1::FaultEffect& fault) {
  std::vector<std::pair<uint32_t, std::string>> reasons;
  for (const auto& [reason, count] : fault.lost()) reasons.emplace_back(count, reason);
  if (reasons.empty()) return "";
  std::sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> parts;
  for (const auto& [count, reason] : reasons) parts.push_back(fmt::format("{} {}", reason, count));
  return fmt::format(" ({})", fmt::join(parts, ", "));
}

std::string cost_text(const Cost& cost) {
  std::vector<std::string> parts;
  if (cost.lost > 0) parts.push_back(count_text(cost.lost, "message", "messages") + " lost");
  if (cost.attempts_lost > 0) {
    parts.push_back(count_text(cost.attempts_lost, "transmission", "transmissions") +
                    " lost and resent");
  }
  if (cost.delayed > 0)
    parts.push_back(count_text(cost.delayed, "message", "messages") + " delayed");
  return parts.empty() ? "no message lost or delayed" : list_text(parts);
}

// The fault's command with its numbers to three significant digits
// ("loss_probability=0.789" rather than 0.7891881902323721).
std::string command_text(const std::string& command) {
  std::string text;
  size_t at = 0;
  while (at <= command.size()) {
    const size_t end = std::min(command.find(' ', at), command.size());
    std::string word = command.substr(at, end - at);
    const size_t equals = word.find('=');
    if (equals != std::string::npos && word.find('.', equals) != std::string::npos) {
      const std::string value = word.substr(equals + 1);
      char* parsed_end = nullptr;
      const double number = std::strtod(value.c_str(), &parsed_end);
      if (parsed_end == value.c_str() + value.size()) {
        word = fmt::format("{}={:.3g}", word.substr(0, equals), number);
      }
    }
    if (!text.empty()) text += ' ';
    text += word;
    at = end + 1;
  }
  return text;
}

// A queue fault is about that queue's handoff; others about a node.
std::string handoff_of(const std::string& command) {
  if (!command.starts_with("queue ")) return "";
  const size_t end = command.find(' ', 6);
  return command.substr(6, end == std::string::npos ? std::string::npos : end - 6);
}

Fact fault_fact(const v1::FaultEffect& fault, const v1::ModeReport& mode) {
  const std::string lasted =
      fault.has_until_h() ? fmt::format("for {}", duration_text(fault.until_h() - fault.t_h()))
                          : "to the end of the run";
  std::string plots;
  if (!fault.plots().empty()) plots = "; it touched " + plots_touched_text(fault, mode);
  return {
      fmt::format("{}: {} by {}, from {} {}: {}{}{}.", fault.node(), command_text(fault.fault()),
                  fault.by(), date_text(mode.run().start_iso(), fault.t_h()), lasted,
                  cost_text(cost_of(fault)), reasons_text(fault), plots),
      handoff_of(fault.fault())};
}

}  // namespace

std::string plots_touched_text(const v1::FaultEffect& fault, const v1::ModeReport& mode) {
  std::vector<std::string> plots;
  for (const std::string& id : fault.plots()) {
    const auto outcome =
        std::find_if(mode.plots().begin(), mode.plots().end(),
                     [&id](const v1::PlotOutcome& plot) { return plot.id() == id; });
    // What the fault cost a plot is read against its outcome in this mode.
    if (outcome == mode.plots().end()) {
      plots.push_back(id);
    } else {
      plots.push_back(fmt::format("{} ({})", id, outcome->averted() ? "averted" : "not averted"));
    }
  }
  return plots.empty() ? "-" : list_text(plots);
}

std::vector<FaultLine> explain_faults(const v1::RunReport& report) {
  std::vector<std::string> modes;
  for (const auto& [name, mode] : report.modes()) modes.push_back(name);
  std::sort(modes.begin(), modes.end());
  std::vector<FaultLine> lines;
  for (const std::string& name : modes) {
    const v1::ModeReport& mode = report.modes().at(name);
    std::vector<size_t> order(size_t(mode.faults_size()));
    std::iota(order.begin(), order.end(), 0);
    if (order.size() > kFaultsToldMax) {
      // The costliest first; equal costs in the order they took effect.
      std::stable_sort(order.begin(), order.end(), [&mode](size_t a, size_t b) {
        return cost_of(mode.faults(int(a))) > cost_of(mode.faults(int(b)));
      });
    }
    const size_t told = std::min(order.size(), kFaultsToldMax);
    for (size_t i = 0; i < told; ++i) {
      lines.push_back({name, fault_fact(mode.faults(int(order[i])), mode)});
    }
    if (told == order.size()) continue;
    Cost rest;
    for (size_t i = told; i < order.size(); ++i) {
      const Cost cost = cost_of(mode.faults(int(order[i])));
      rest.lost += cost.lost;
      rest.attempts_lost += cost.attempts_lost;
      rest.delayed += cost.delayed;
    }
    lines.push_back(
        {name,
         {fmt::format("{} more {}, each costing less, cost {} in all.", order.size() - told,
                      order.size() - told == 1 ? "fault" : "faults", cost_text(rest)),
          ""}});
  }
  return lines;
}

}  // namespace tearline::explain
