// The text report's tables, as the old JSON-read report had them, from the
// typed report.
#include "analysis/explain/text_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace tearline::explain {
namespace {

using report::Align;
using report::Column;
using report::kLineWidthMax;
using report::TextTable;

// Unaccounted messages listed per mode; the rest are in report.json.
constexpr size_t kUnaccountedListedMax = 20;
constexpr double kKibPerMib = 1024.0;
constexpr long long kTenthsPerDay = 240;

const v1::ModeReport& mode_of(const v1::RunReport& report, const std::string& mode) {
  return report.modes().at(mode);
}

// "0.50 [5]": a percentile in scenario hours with its wall ms beside.
std::string percentile_text(const v1::Percentiles& hours, const v1::Percentiles& wall_ms,
                            bool (v1::Percentiles::*has)() const,
                            double (v1::Percentiles::*get)() const) {
  if (!(hours.*has)()) return "-";
  std::string text = hours_text((hours.*get)());
  if ((wall_ms.*has)()) text += fmt::format(" [{}]", std::llround((wall_ms.*get)()));
  return text;
}

std::vector<std::string> percentile_cells(const v1::Percentiles& hours,
                                          const v1::Percentiles& wall_ms) {
  using P = v1::Percentiles;
  return {percentile_text(hours, wall_ms, &P::has_p50, &P::p50),
          percentile_text(hours, wall_ms, &P::has_p90, &P::p90),
          percentile_text(hours, wall_ms, &P::has_p99, &P::p99),
          percentile_text(hours, wall_ms, &P::has_max, &P::max)};
}

std::string join(const google::protobuf::RepeatedPtrField<std::string>& items,
                 std::string_view separator) {
  return fmt::format("{}", fmt::join(items, separator));
}

}  // namespace

std::string hours_text(double t_h) {
  if (std::fabs(t_h) < 10) return fmt::format("{:.2f}", t_h);
  if (std::fabs(t_h) < 1000) return fmt::format("{:.1f}", t_h);
  return fmt::format("{:.0f}", t_h);
}

std::string when_text(const std::optional<std::string>& iso, double t_h) {
  if (iso) {
    std::string text = iso->substr(0, 16);
    if (text.size() > 10) text[10] = ' ';
    return text;
  }
  return "hour " + hours_text(t_h);
}

std::string lead_text(double lead_h) {
  // In tenths of an hour, so that rounding never shows "24.0h".
  const long long tenths = std::llround(lead_h * 10);
  if (tenths < kTenthsPerDay) return fmt::format("{:.1f}h", double(tenths) / 10);
  return fmt::format("{}d {:.1f}h", tenths / kTenthsPerDay, double(tenths % kTenthsPerDay) / 10);
}

std::string SideBySide::render(const Modes& modes) const {
  for (size_t per_block = modes.size(); per_block >= 1; --per_block) {
    std::string out;
    bool fits = true;
    for (size_t first = 0; first < modes.size(); first += per_block) {
      const Modes block(modes.begin() + std::ptrdiff_t(first),
                        modes.begin() + std::ptrdiff_t(std::min(first + per_block, modes.size())));
      const TextTable table = build(block);
      fits = fits && table.width() <= kLineWidthMax;
      if (first > 0) out += '\n';
      out += table.render();
    }
    if (fits || per_block == 1) return out;
  }
  return "";
}

TextTable SideBySide::build(const Modes& modes) const {
  std::vector<Column> columns = row_columns;
  for (size_t i = 0; i < modes.size(); ++i) {
    columns.insert(columns.end(), mode_columns.begin(), mode_columns.end());
  }
  TextTable table(columns);
  for (size_t i = 0; i < modes.size(); ++i) {
    table.add_group(modes[i], row_columns.size() + i * mode_columns.size(), mode_columns.size());
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> line = rows[r];
    line.resize(row_columns.size());
    for (const std::string& mode : modes) {
      std::vector<std::string> mode_cells = cells(r, mode);
      mode_cells.resize(mode_columns.size());
      line.insert(line.end(), mode_cells.begin(), mode_cells.end());
    }
    table.add_row(std::move(line));
  }
  return table;
}

void append_handoffs(const v1::RunReport& report, const Modes& modes, std::string* out) {
  for (const std::string& mode : modes) {
    *out += fmt::format(
        "\nHANDOFFS, {}: messages in, out, lost, in flight; delay percentiles in scenario hours\n"
        "[wall ms]; queues split into wait and service.\n",
        mode);
    TextTable table({{"handoff", Align::kLeft, true},
                     {"in", Align::kRight},
                     {"out", Align::kRight},
                     {"lost", Align::kRight},
                     {"in flight", Align::kRight},
                     {"p50", Align::kRight},
                     {"p90", Align::kRight},
                     {"p99", Align::kRight},
                     {"max", Align::kRight}});
    const auto delay_row = [](std::string label, const v1::Percentiles& hours,
                              const v1::Percentiles& wall_ms) {
      std::vector<std::string> cells = {std::move(label), "", "", "", ""};
      for (std::string& cell : percentile_cells(hours, wall_ms)) cells.push_back(std::move(cell));
      return cells;
    };
    for (const v1::Handoff& row : mode_of(report, mode).handoffs()) {
      std::vector<std::string> cells = delay_row(row.name(), row.delay_h(), row.delay_wall_ms());
      cells[1] = std::to_string(row.in());
      cells[2] = std::to_string(row.out());
      cells[3] = std::to_string(row.lost_total());
      cells[4] = std::to_string(row.in_flight());
      table.add_row(std::move(cells));
      if (row.type() == "queue") {
        table.add_row(delay_row("  wait", row.wait_h(), row.wait_wall_ms()));
        table.add_row(delay_row("  service", row.service_h(), row.service_wall_ms()));
      }
      const std::map<std::string, uint32_t> lost(row.lost().begin(), row.lost().end());
      for (const auto& [reason, count] : lost) {
        table.add_row({"  " + reason, "", "", std::to_string(count)});
      }
      for (const auto& [present, count, label] :
           {std::tuple{row.has_resent(), row.resent(), "resent"},
            {row.has_attempts_lost(), row.attempts_lost(), "attempts lost"},
            {row.has_shared_full(), row.shared_full(), "shared in full"},
            {row.has_sanitised(), row.sanitised(), "sanitised"}}) {
        if (present && count > 0) table.add_row({fmt::format("  {} {}", label, count)});
      }
    }
    *out += table.render();
  }
}

void append_exposure(const v1::RunReport& report, const Modes& modes, std::string* out) {
  *out += "\nSOURCE EXPOSURE: nodes that saw a true source handle of another agency.\n";
  std::set<std::string> nodes;
  for (const std::string& mode : modes) {
    for (const auto& [node, handles] : mode_of(report, mode).exposure().source_handles_seen_by()) {
      nodes.insert(node);
    }
  }
  SideBySide table;
  table.row_columns = {{"node", Align::kLeft, true}};
  table.mode_columns = {{"handles seen", Align::kLeft, true}};
  table.rows.push_back({"nodes exposed"});
  for (const std::string& node : nodes) table.rows.push_back({node});
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    const v1::Exposure& exposure = mode_of(report, mode).exposure();
    if (row == 0) return {std::to_string(exposure.nodes())};
    const auto found = exposure.source_handles_seen_by().find(table.rows[row][0]);
    if (found == exposure.source_handles_seen_by().end()) return {"-"};
    const auto& handles = found->second.handles();
    return {handles.empty() ? "(unnamed)" : join(handles, ", ")};
  };
  *out += table.render(modes);
}

void append_conservation(const v1::RunReport& report, const Modes& modes, std::string* out) {
  *out +=
      "\nCONSERVATION: every message created is delivered, lost with a reason, or still in\n"
      "flight at the end; anything else is unaccounted.\n";
  std::set<std::string> reasons;
  bool served_again = false;
  for (const std::string& mode : modes) {
    const v1::ModeReport& report_of_mode = mode_of(report, mode);
    for (const auto& [reason, count] : report_of_mode.lost_by_reason()) reasons.insert(reason);
    served_again = served_again || report_of_mode.messages().served_again_without_journal() > 0;
  }
  SideBySide table;
  table.row_columns = {{"messages", Align::kLeft, true}};
  table.mode_columns = {{"count", Align::kRight}};
  // Each row: its label, and its value in a mode.
  std::vector<std::function<std::string(const v1::ModeReport&)>> values;
  const auto add = [&](std::string label, std::function<std::string(const v1::ModeReport&)> value) {
    table.rows.push_back({std::move(label)});
    values.push_back(std::move(value));
  };
  const auto count_of = [](uint32_t (v1::MessageCounts::*get)() const) {
    return [get](const v1::ModeReport& mode) { return std::to_string((mode.messages().*get)()); };
  };
  using M = v1::MessageCounts;
  add("created", count_of(&M::created));
  add("delivered", count_of(&M::delivered));
  // A centre without a journal served them again after a restart.
  if (served_again) {
    add("  of them served again without a journal", count_of(&M::served_again_without_journal));
  }
  add("lost", count_of(&M::lost));
  for (const std::string& reason : reasons) {
    add("  " + reason, [reason](const v1::ModeReport& mode) {
      const auto found = mode.lost_by_reason().find(reason);
      return std::to_string(found == mode.lost_by_reason().end() ? 0 : found->second);
    });
  }
  add("in flight", count_of(&M::in_flight));
  add("unaccounted", count_of(&M::unaccounted));
  add("events for messages never created", count_of(&M::never_created));
  add("created = delivered + lost + in flight + unaccounted", [](const v1::ModeReport& mode) {
    const M& m = mode.messages();
    const uint64_t ends = uint64_t{m.delivered()} + m.lost() + m.in_flight() + m.unaccounted();
    return std::string(m.created() == ends ? "holds" : "BROKEN");
  });
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    return {values[row](mode_of(report, mode))};
  };
  *out += table.render(modes);

  for (const std::string& mode : modes) {
    const auto& unaccounted = mode_of(report, mode).unaccounted_messages();
    if (unaccounted.empty()) continue;
    *out += fmt::format("\nUnaccounted messages, {} (message: why; its last event):\n", mode);
    for (size_t i = 0; i < size_t(unaccounted.size()); ++i) {
      if (i == kUnaccountedListedMax) {
        *out += fmt::format("  ... and {} more in report.json\n",
                            size_t(unaccounted.size()) - kUnaccountedListedMax);
        break;
      }
      const v1::UnaccountedMessage& message = unaccounted[int(i)];
      *out += report::cut(fmt::format("  {}: {}; {} {} {} at hour {}", message.msg(),
                                      message.reason(), message.node(), message.kind(),
                                      message.handoff(), hours_text(message.t_h())),
                          kLineWidthMax) +
              '\n';
    }
  }
}

void append_nodes(const v1::RunReport& report, const Modes& modes, std::string* out) {
  *out += "\nNODES: peak resident memory (MiB) and how each process ended.\n";
  std::set<std::string> names;
  for (const std::string& mode : modes) {
    for (const v1::NodeExit& node : mode_of(report, mode).nodes()) names.insert(node.name());
  }
  SideBySide table;
  table.row_columns = {{"node", Align::kLeft, true}};
  table.mode_columns = {{"peak MiB", Align::kRight}, {"exit", Align::kLeft, true}};
  for (const std::string& name : names) table.rows.push_back({name});
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    for (const v1::NodeExit& node : mode_of(report, mode).nodes()) {
      if (node.name() != table.rows[row][0]) continue;
      return {
          node.has_peak_rss_kib() ? fmt::format("{:.1f}", node.peak_rss_kib() / kKibPerMib) : "-",
          node.has_exit() ? node.exit() : "-"};
    }
    return {"-", "-"};
  };
  *out += table.render(modes);
}

void append_fault_table(const v1::RunReport& report, const Modes& modes, std::string* out) {
  for (const std::string& mode : modes) {
    const auto& faults = mode_of(report, mode).faults();
    if (faults.empty()) continue;
    *out += fmt::format(
        "\nFAULTS, {}: each injected fault, how long it lasted (scenario hours), and what it "
        "cost.\n",
        mode);
    TextTable table({{"from h", Align::kRight},
                     {"until h", Align::kRight},
                     {"node", Align::kLeft, true},
                     {"fault", Align::kLeft, true},
                     {"by", Align::kLeft, true},
                     {"lost", Align::kRight},
                     {"tries lost", Align::kRight},
                     {"delayed", Align::kRight},
                     {"plots touched", Align::kLeft, true}});
    for (const v1::FaultEffect& fault : faults) {
      uint64_t lost = 0;
      for (const auto& [reason, count] : fault.lost()) lost += count;
      table.add_row({hours_text(fault.t_h()),
                     fault.has_until_h() ? hours_text(fault.until_h()) : "end", fault.node(),
                     fault.fault(), fault.by(), std::to_string(lost),
                     std::to_string(fault.attempts_lost()), std::to_string(fault.delayed()),
                     fault.plots().empty() ? "-" : join(fault.plots(), ", ")});
    }
    *out += table.render();
  }
}

void append_anomalies(const v1::RunReport& report, const Modes& modes, std::string* out) {
  bool any = false;
  for (const std::string& mode : modes) {
    const auto& anomalies = mode_of(report, mode).anomalies();
    if (anomalies.empty()) continue;
    *out += fmt::format("\nANOMALIES, {}:\n", mode);
    for (const v1::Anomaly& anomaly : anomalies) {
      *out += report::cut("  " + anomaly.message(), kLineWidthMax) + '\n';
    }
    any = true;
  }
  if (!any) *out += "\nANOMALIES: none\n";
}

}  // namespace tearline::explain
