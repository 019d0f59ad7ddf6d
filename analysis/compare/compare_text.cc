#include "analysis/compare/compare_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "analysis/compare/compare.h"
#include "analysis/compare/wording.h"
#include "base/invariant.h"

namespace tearline::compare {

namespace {

// A report's name made safe for a terminal and cut to `width_max`.
std::string printable(std::string_view name, size_t width_max = kTextNameCharsMax) {
  std::string text;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    text += byte < 0x20 || byte == 0x7f ? '?' : c;
  }
  TEARLINE_ASSERT(width_max >= 3);  // Room for the "..." at least.
  if (text.size() > width_max) text = text.substr(0, width_max - 3) + "...";
  TEARLINE_ASSERT(text.size() <= width_max);
  return text;
}

std::string count_cell(const v1::CountChange& count) {
  if (count.delta() == 0) return fmt::format("{}", count.a());
  return fmt::format("{} -> {} ({})", count.a(), count.b(), delta_text(count.delta()));
}

std::string delay_cell(const v1::DelayChange& delay) {
  const auto hours = [](bool present, double h) {
    return present ? fmt::format("{:.1f}", h) : std::string("-");
  };
  const std::string a = hours(delay.has_a_h(), delay.a_h());
  const std::string b = hours(delay.has_b_h(), delay.b_h());
  if (a == b) return a;
  if (!delay.has_delta_h()) return a + " -> " + b;
  // A change too small for one decimal still shows its sign and size.
  const bool small = std::abs(delay.delta_h()) < 0.05;
  return fmt::format(
      "{} -> {} ({})", a, b,
      small ? fmt::format("{:+.2f}", delay.delta_h()) : fmt::format("{:+.1f}", delay.delta_h()));
}

// Rows of cells, each column as wide as its widest cell, two spaces apart.
std::string table(const std::vector<std::vector<std::string>>& rows, size_t indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line(indent, ' ');
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], widths[i]) : row[i];
    }
    while (line.ends_with(' ')) line.pop_back();  // An empty last cell.
    text += line + "\n";
  }
  return text;
}

std::string side_line(const char* letter, const v1::RunSide& side) {
  std::string what = side.has_scenario() ? printable(side.scenario()) : "scenario unknown";
  what += side.has_seed() ? fmt::format(", seed {}", side.seed()) : ", seed unknown";
  return fmt::format("  {}: {} ({})\n", letter, printable(side.path(), 200), what);
}

std::string plots_text(const v1::ModeComparison& mode) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& plot : mode.plots()) {
    rows.push_back({printable(plot.id()), printable(plot.area()), outcome_text(plot)});
  }
  if (rows.empty()) return "  Plots: none\n";
  return "  Plots (outcome changes first)\n" + table(rows, 4);
}

std::string handoffs_text(const v1::ModeComparison& mode) {
  std::vector<std::vector<std::string>> rows = {
      {"handoff", "lost", "in flight", "in", "out", "delay p50 h", "delay p90 h", "sanitised"}};
  size_t changed = 0;
  for (const auto& handoff : mode.handoffs()) {
    if (!handoff.changed()) continue;
    if (++changed > kTextHandoffsMax) continue;
    std::string name = printable(handoff.name());
    if (handoff.presence() == v1::HandoffChange::ONLY_IN_A) name += " (only A)";
    if (handoff.presence() == v1::HandoffChange::ONLY_IN_B) name += " (only B)";
    rows.push_back({name, count_cell(handoff.lost()), count_cell(handoff.in_flight()),
                    count_cell(handoff.in()), count_cell(handoff.out()),
                    delay_cell(handoff.delay_p50_h()), delay_cell(handoff.delay_p90_h()),
                    handoff.has_sanitised() ? count_cell(handoff.sanitised()) : ""});
  }
  const size_t unchanged = static_cast<size_t>(mode.handoffs_size()) - changed;
  std::string text =
      "  Handoffs, largest change first (|delta lost| + |delta in flight|, then relative "
      "p90 change)\n";
  if (changed == 0) return text + fmt::format("    none changed ({} handoffs)\n", unchanged);
  text += table(rows, 4);
  if (changed > kTextHandoffsMax) {
    text += fmt::format("    and {} more changed, {} unchanged (--json or --html list every one)\n",
                        changed - kTextHandoffsMax, unchanged);
  } else if (unchanged > 0) {
    text += fmt::format("    and {} unchanged\n", unchanged);
  }
  return text;
}

std::string counts_text(const v1::ModeComparison& mode) {
  const v1::MessagesChange& m = mode.messages();
  std::string text = "  Messages\n" + table({{"created", count_cell(m.created())},
                                             {"delivered", count_cell(m.delivered())},
                                             {"lost", count_cell(m.lost())},
                                             {"in flight", count_cell(m.in_flight())},
                                             {"unaccounted", count_cell(m.unaccounted())}},
                                            4);
  std::vector<std::vector<std::string>> reasons;
  for (const auto& reason : mode.lost_by_reason()) {
    reasons.push_back({printable(reason.reason()), count_cell(reason.lost())});
  }
  if (!reasons.empty()) text += "  Lost by reason\n" + table(reasons, 4);
  return text;
}

std::string exposure_text(const v1::ModeComparison& mode) {
  std::string text =
      fmt::format("  Exposure: nodes that saw another agency's true source handle: {}\n",
                  count_cell(mode.exposure().nodes()));
  std::vector<std::vector<std::string>> rows;
  for (const auto& node : mode.exposure().by_node()) {
    rows.push_back({printable(node.node()), "handles seen: " + count_cell(node.handles())});
  }
  return text + table(rows, 4);
}

std::string mode_text(const v1::ModeComparison& mode) {
  std::string text =
      mode.mode_a() == mode.mode_b()
          ? fmt::format("{}: A -> B\n", printable(mode.mode_a()))
          : fmt::format("{} (A) -> {} (B)\n", printable(mode.mode_a()), printable(mode.mode_b()));
  text += plots_text(mode);
  if (!has_changes(mode)) {
    return text + "  No changes: the same outcomes, handoffs, message counts and exposure.\n";
  }
  return text + handoffs_text(mode) + counts_text(mode) + exposure_text(mode);
}

}  // namespace

std::string comparison_text(const v1::RunComparison& comparison) {
  std::string text = "tearline compare\n";
  text += side_line("A", comparison.a());
  text += side_line("B", comparison.b());
  for (const std::string& caveat : comparison.caveats()) {
    text += "  ! " + printable(caveat, 400) + "\n";
  }
  if (comparison.modes().empty()) text += "\nNo mode in both runs: nothing compared.\n";
  for (const auto& mode : comparison.modes()) {
    text += '\n';
    text += mode_text(mode);
  }
  return text;
}

}  // namespace tearline::compare
