// render_text(): the human report, for a policy analyst first. Modes are read
// side by side; everything shown comes from the report JSON.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "traces/report/report.h"
#include "traces/report/report_json.h"
#include "traces/report/text_table.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Align;
using report::Column;
using report::kLineWidthMax;
using report::TextTable;

// Unaccounted messages listed per mode; the rest are in report.json.
constexpr size_t kUnaccountedListedMax = 20;
constexpr double kKibPerMib = 1024.0;
constexpr double kHoursPerDay = 24.0;

const json& field(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

bool flag(const json& object, const char* key) {
  const json& value = field(object, key);
  return value.is_boolean() && value.get<bool>();
}

std::string text_of(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string hours_text(double t_h) {
  if (std::fabs(t_h) < 10) return fmt::format("{:.2f}", t_h);
  if (std::fabs(t_h) < 1000) return fmt::format("{:.1f}", t_h);
  return fmt::format("{:.0f}", t_h);
}

// "0.50 [5]": a percentile in scenario hours with its wall ms beside.
std::string percentile_text(const json& hours_pct, const json& wall_pct, const char* key) {
  const json& hours = field(hours_pct, key);
  if (!hours.is_number()) return "-";
  const json& wall_ms = field(wall_pct, key);
  std::string text = hours_text(hours.get<double>());
  if (wall_ms.is_number()) text += fmt::format(" [{}]", wall_ms.get<int64_t>());
  return text;
}

std::string join(const json& items, std::string_view separator) {
  std::string text;
  if (!items.is_array()) return text;
  for (const json& item : items) {
    if (!text.empty()) text += separator;
    text += text_of(item);
  }
  return text;
}

// `head` then `items` joined by `separator`, wrapped within kLineWidthMax,
// continuation lines indented by `indent` and starting with the separator
// without its leading spaces.
void append_wrapped(const std::string& head, const json& items, std::string_view separator,
                    size_t indent, std::string* out) {
  std::string line = head;
  bool first = true;
  for (const json& item : items) {
    const std::string piece = (first ? "" : std::string(separator)) + text_of(item);
    if (!first && line.size() + piece.size() > kLineWidthMax) {
      *out += line + '\n';
      line = std::string(indent, ' ') + piece.substr(piece.find_first_not_of(' '));
    } else {
      line += piece;
    }
    first = false;
  }
  *out += line + '\n';
}

std::vector<std::string> mode_names(const json& report) {
  std::vector<std::string> modes;
  for (const auto& [mode, ignored] : field(report, "modes").items()) modes.push_back(mode);
  return modes;
}

// A table with `row_columns` then one group of `mode_columns` per mode,
// in as few blocks as keep lines within kLineWidthMax. cells(row, mode)
// gives the mode cells of row `row`.
struct SideBySide {
  std::vector<Column> row_columns;
  std::vector<Column> mode_columns;
  std::vector<std::vector<std::string>> rows;
  std::function<std::vector<std::string>(size_t row, const std::string& mode)> cells;

  std::string render(const std::vector<std::string>& modes) const {
    for (size_t per_block = modes.size(); per_block >= 1; --per_block) {
      std::string out;
      bool fits = true;
      for (size_t first = 0; first < modes.size(); first += per_block) {
        const std::vector<std::string> block(
            modes.begin() + std::ptrdiff_t(first),
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

  TextTable build(const std::vector<std::string>& modes) const {
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
};

const json& mode_of(const json& report, const std::string& mode) {
  return field(field(report, "modes"), mode.c_str());
}

void append_header(const json& report, const std::vector<std::string>& modes, std::string* out) {
  *out += "tearline run report\n";
  *out += fmt::format("scenario: {}   seed: {}\n", text_of(field(report, "scenario")),
                      text_of(field(report, "seed")));
  *out += fmt::format("run: {}\n", text_of(field(report, "run_dir")));
  append_wrapped("modes: ", json(modes), ", ", 7, out);
}

// Plot ids in the order of the first mode that lists them.
std::vector<std::string> plot_ids(const json& report, const std::vector<std::string>& modes) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const std::string& mode : modes) {
    for (const json& plot : field(mode_of(report, mode), "plots")) {
      const std::string id = text_of(field(plot, "id"));
      if (seen.insert(id).second) ids.push_back(id);
    }
  }
  return ids;
}

const json& plot_in(const json& report, const std::string& mode, const std::string& id) {
  static const json kNull;
  for (const json& plot : field(mode_of(report, mode), "plots")) {
    if (text_of(field(plot, "id")) == id) return plot;
  }
  return kNull;
}

// The first mode's view of a plot, for its area and attack time.
const json& any_plot(const json& report, const std::vector<std::string>& modes,
                     const std::string& id) {
  for (const std::string& mode : modes) {
    const json& plot = plot_in(report, mode, id);
    if (!plot.is_null()) return plot;
  }
  static const json kNull;
  return kNull;
}

// ", via broker.b": the centre's member that sent a plot's first actionable
// warning, when the centre has a standby (more than one member).
std::string via_member(const json& report, const std::string& mode, const std::string& id) {
  const json& members = field(field(mode_of(report, mode), "centre"), "members");
  const json& member = field(plot_in(report, mode, id), "centre_member");
  if (!members.is_array() || members.size() < 2 || !member.is_string()) return "";
  return ", via " + member.get<std::string>();
}

void append_plots(const json& report, const std::vector<std::string>& modes, std::string* out) {
  *out +=
      "\nPLOTS: was each attack averted? First actionable warning to reach a local unit in time,\n"
      "and its lead time before the attack.\n";
  const std::vector<std::string> ids = plot_ids(report, modes);
  if (ids.empty()) {
    *out += "  no plots in the run information\n";
    return;
  }
  TextTable plots({{"plot", Align::kLeft, true}, {"area", Align::kLeft, true}, {"attack"}}, 2);
  for (const std::string& id : ids) {
    const json& plot = any_plot(report, modes, id);
    plots.add_row({id, text_of(field(plot, "area")),
                   when_text(field(plot, "attack_at"), field(plot, "attack_h"))});
  }
  *out += plots.render() + '\n';

  SideBySide table;
  table.row_columns = {{"plot", Align::kLeft, true}};
  table.mode_columns = {{"averted"}, {"first warning"}, {"lead time", Align::kRight}};
  for (const std::string& id : ids) table.rows.push_back({id});
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    const json& plot = plot_in(report, mode, ids[row]);
    if (plot.is_null()) return {"-"};
    if (!flag(plot, "averted")) return {"NO", "-", "-"};
    return {"yes",
            when_text(field(plot, "first_actionable_at"), field(plot, "first_actionable_at_h")),
            lead_text(field(plot, "lead_time_h"))};
  };
  *out += table.render(modes);

  bool any_path = false;
  for (const std::string& id : ids) {
    for (const std::string& mode : modes) {
      const json& path = field(plot_in(report, mode, id), "path");
      if (!path.is_array() || path.empty()) continue;  // Not averted.
      if (!any_path) *out += "\nPath of the first actionable warning:\n";
      any_path = true;
      append_wrapped(fmt::format("  {}, {}{}: ", id, mode, via_member(report, mode, id)), path,
                     " > ", 6, out);
    }
  }
}

std::string verdict(const json& warning) {
  const bool actionable = flag(warning, "actionable");
  const bool in_time = flag(warning, "in_time");
  if (!actionable && !in_time) return "too thin and too late";
  return actionable ? "too late" : "too thin";
}

void append_losses(const json& report, const std::vector<std::string>& modes, std::string* out) {
  *out +=
      "\nWHERE THE COPIES DIED: for each plot not averted, its reports' copies that were lost\n"
      "or still held at the end, copies sanitised on the way, and warnings that arrived but\n"
      "could not be acted on.\n";
  bool any = false;
  for (const std::string& id : plot_ids(report, modes)) {
    for (const std::string& mode : modes) {
      const json& plot = plot_in(report, mode, id);
      if (plot.is_null() || flag(plot, "averted")) continue;
      any = true;
      *out += fmt::format("\n{}, {}: not averted\n", id, mode);
      const json& lost_at = field(plot, "lost_at");
      if (lost_at.empty()) {
        *out += "  no copy was lost or left in flight\n";
      } else {
        TextTable table({{"fate"},
                         {"reason", Align::kLeft, true},
                         {"handoff", Align::kLeft, true},
                         {"node", Align::kLeft, true},
                         {"copies", Align::kRight}},
                        2);
        for (const json& place : lost_at) {
          const std::string fate = text_of(field(place, "fate"));
          table.add_row({fate == "in_flight" ? "in flight" : fate, text_of(field(place, "reason")),
                         text_of(field(place, "handoff")), text_of(field(place, "node")),
                         text_of(field(place, "count"))});
        }
        *out += table.render();
      }
      for (const json& degraded : field(plot, "degraded_at")) {
        const std::string left = join(field(degraded, "detail_left"), ", ");
        *out += fmt::format("  {} copy sanitised at {} for {}: detail left {}\n",
                            text_of(field(degraded, "count")), text_of(field(degraded, "handoff")),
                            text_of(field(degraded, "for")), left.empty() ? "none" : left);
      }
      const json& thin = field(plot, "warnings_not_actionable");
      if (thin.empty()) {
        *out += "  no warning reached a unit of the area\n";
        continue;
      }
      *out += "  warnings that reached a unit but were not actionable in time:\n";
      TextTable table(
          {{"unit", Align::kLeft, true}, {"arrived"}, {"detail", Align::kLeft, true}, {"verdict"}},
          4);
      for (const json& warning : thin) {
        const std::string detail = join(field(warning, "detail"), ", ");
        table.add_row({text_of(field(warning, "unit")),
                       when_text(field(warning, "at"), field(warning, "at_h")),
                       detail.empty() ? "(none)" : detail, verdict(warning)});
      }
      *out += table.render();
    }
  }
  if (!any) *out += "  every plot was averted in every mode\n";
}

void append_handoffs(const json& report, const std::vector<std::string>& modes, std::string* out) {
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
    const auto delay_cells = [&table](std::string label, const json& row, const char* hours_key,
                                      const char* wall_key) {
      std::vector<std::string> cells = {std::move(label), "", "", "", ""};
      for (const char* key : {"p50", "p90", "p99", "max"}) {
        cells.push_back(percentile_text(field(row, hours_key), field(row, wall_key), key));
      }
      return cells;
    };
    for (const json& row : field(mode_of(report, mode), "handoffs")) {
      std::vector<std::string> cells =
          delay_cells(text_of(field(row, "name")), row, "delay_h", "delay_wall_ms");
      cells[1] = text_of(field(row, "in"));
      cells[2] = text_of(field(row, "out"));
      cells[3] = text_of(field(row, "lost_total"));
      cells[4] = text_of(field(row, "in_flight"));
      table.add_row(std::move(cells));
      if (field(row, "type") == "queue") {
        table.add_row(delay_cells("  wait", row, "wait_h", "wait_wall_ms"));
        table.add_row(delay_cells("  service", row, "service_h", "service_wall_ms"));
      }
      for (const auto& [reason, count] : field(row, "lost").items()) {
        table.add_row({"  " + reason, "", "", text_of(count)});
      }
      for (const auto& [key, label] : {std::pair{"resent", "resent"},
                                       {"attempts_lost", "attempts lost"},
                                       {"shared_full", "shared in full"},
                                       {"sanitised", "sanitised"}}) {
        const json& count = field(row, key);
        if (count.is_number() && count.get<int64_t>() > 0) {
          table.add_row({fmt::format("  {} {}", label, count.get<int64_t>())});
        }
      }
    }
    *out += table.render();
  }
}

void append_exposure(const json& report, const std::vector<std::string>& modes, std::string* out) {
  *out += "\nSOURCE EXPOSURE: nodes that saw a true source handle of another agency.\n";
  std::set<std::string> nodes;
  for (const std::string& mode : modes) {
    for (const auto& [node, handles] :
         field(field(mode_of(report, mode), "exposure"), "source_handles_seen_by").items()) {
      nodes.insert(node);
    }
  }
  SideBySide table;
  table.row_columns = {{"node", Align::kLeft, true}};
  table.mode_columns = {{"handles seen", Align::kLeft, true}};
  table.rows.push_back({"nodes exposed"});
  for (const std::string& node : nodes) table.rows.push_back({node});
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    const json& exposure = field(mode_of(report, mode), "exposure");
    if (row == 0) return {text_of(field(exposure, "nodes"))};
    const json& handles = field(
        field(field(exposure, "source_handles_seen_by"), table.rows[row][0].c_str()), "handles");
    return {handles.is_array() ? (handles.empty() ? "(unnamed)" : join(handles, ", ")) : "-"};
  };
  *out += table.render(modes);
}

void append_conservation(const json& report, const std::vector<std::string>& modes,
                         std::string* out) {
  *out +=
      "\nCONSERVATION: every message created is delivered, lost with a reason, or still in\n"
      "flight at the end; anything else is unaccounted.\n";
  std::set<std::string> reasons;
  for (const std::string& mode : modes) {
    for (const auto& [reason, count] : field(mode_of(report, mode), "lost_by_reason").items()) {
      reasons.insert(reason);
    }
  }
  SideBySide table;
  table.row_columns = {{"messages", Align::kLeft, true}};
  table.mode_columns = {{"count", Align::kRight}};
  // Each row: label, and where its value is in a mode.
  std::vector<std::function<std::string(const json&)>> values;
  const auto add = [&](std::string label, std::function<std::string(const json&)> value) {
    table.rows.push_back({std::move(label)});
    values.push_back(std::move(value));
  };
  const auto count_of = [](const char* key) {
    return [key](const json& mode) { return text_of(field(field(mode, "messages"), key)); };
  };
  add("created", count_of("created"));
  add("delivered", count_of("delivered"));
  for (const std::string& mode : modes) {
    const json& served_again =
        field(field(mode_of(report, mode), "messages"), "served_again_without_journal");
    if (served_again.is_number() && served_again.get<int64_t>() > 0) {
      // A centre without a journal served them again after a restart.
      add("  of them served again without a journal", count_of("served_again_without_journal"));
      break;
    }
  }
  add("lost", count_of("lost"));
  for (const std::string& reason : reasons) {
    add("  " + reason, [reason](const json& mode) {
      const json& count = field(field(mode, "lost_by_reason"), reason.c_str());
      return count.is_null() ? std::string("0") : text_of(count);
    });
  }
  add("in flight", count_of("in_flight"));
  add("unaccounted", count_of("unaccounted"));
  add("events for messages never created", count_of("never_created"));
  add("created = delivered + lost + in flight + unaccounted", [](const json& mode) {
    const json& messages = field(mode, "messages");
    const auto number = [&messages](const char* key) {
      const json& value = field(messages, key);
      return value.is_number() ? value.get<int64_t>() : int64_t{0};
    };
    return number("created") == number("delivered") + number("lost") + number("in_flight") +
                                    number("unaccounted")
               ? std::string("holds")
               : std::string("BROKEN");
  });
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    return {values[row](mode_of(report, mode))};
  };
  *out += table.render(modes);

  for (const std::string& mode : modes) {
    const json& unaccounted = field(mode_of(report, mode), "unaccounted_messages");
    if (unaccounted.empty()) continue;
    *out += fmt::format("\nUnaccounted messages, {} (message: why; its last event):\n", mode);
    size_t listed = 0;
    for (const json& message : unaccounted) {
      if (listed++ == kUnaccountedListedMax) {
        *out += fmt::format("  ... and {} more in report.json\n",
                            unaccounted.size() - kUnaccountedListedMax);
        break;
      }
      *out += report::cut(
                  fmt::format("  {}: {}; {} {} {} at hour {}", text_of(field(message, "msg")),
                              text_of(field(message, "reason")), text_of(field(message, "node")),
                              text_of(field(message, "kind")), text_of(field(message, "handoff")),
                              field(message, "t_h").is_number()
                                  ? hours_text(field(message, "t_h").get<double>())
                                  : "-"),
                  kLineWidthMax) +
              '\n';
    }
  }
}

void append_nodes(const json& report, const std::vector<std::string>& modes, std::string* out) {
  *out += "\nNODES: peak resident memory (MiB) and how each process ended.\n";
  std::set<std::string> names;
  for (const std::string& mode : modes) {
    for (const json& node : field(mode_of(report, mode), "nodes")) {
      names.insert(text_of(field(node, "name")));
    }
  }
  SideBySide table;
  table.row_columns = {{"node", Align::kLeft, true}};
  table.mode_columns = {{"peak MiB", Align::kRight}, {"exit", Align::kLeft, true}};
  for (const std::string& name : names) table.rows.push_back({name});
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    for (const json& node : field(mode_of(report, mode), "nodes")) {
      if (text_of(field(node, "name")) != table.rows[row][0]) continue;
      const json& kib = field(node, "peak_rss_kib");
      return {kib.is_number() ? fmt::format("{:.1f}", kib.get<double>() / kKibPerMib) : "-",
              text_of(field(node, "exit"))};
    }
    return {"-", "-"};
  };
  *out += table.render(modes);
}

void append_faults(const json& report, const std::vector<std::string>& modes, std::string* out) {
  for (const std::string& mode : modes) {
    const json& faults = field(mode_of(report, mode), "faults");
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
                     {"plots touched", Align::kLeft, true}},
                    0);
    for (const json& fault : faults) {
      int64_t lost = 0;
      for (const auto& [reason, count] : field(fault, "lost").items()) lost += count.get<int64_t>();
      const json& until = field(fault, "until_h");
      table.add_row({hours_text(field(fault, "t_h").get<double>()),
                     until.is_number() ? hours_text(until.get<double>()) : "end",
                     text_of(field(fault, "node")), text_of(field(fault, "fault")),
                     text_of(field(fault, "by")), std::to_string(lost),
                     text_of(field(fault, "attempts_lost")), text_of(field(fault, "delayed")),
                     field(fault, "plots").empty() ? "-" : join(field(fault, "plots"), ", ")});
    }
    *out += table.render();
  }
}

void append_anomalies(const json& report, const std::vector<std::string>& modes, std::string* out) {
  bool any = false;
  for (const std::string& mode : modes) {
    const json& anomalies = field(mode_of(report, mode), "anomalies");
    if (anomalies.empty()) continue;
    *out += fmt::format("\nANOMALIES, {}:\n", mode);
    for (const json& anomaly : anomalies) {
      *out += report::cut("  " + text_of(field(anomaly, "message")), kLineWidthMax) + '\n';
    }
    any = true;
  }
  if (!any) *out += "\nANOMALIES: none\n";
}

// "2017-05-05 15:15", or "15:15" when on the same day as `since`.
std::string until_text(const json& iso, const json& t_h, const std::string& since) {
  const std::string text = when_text(iso, t_h);
  constexpr size_t kDateSize = 11;  // "2017-05-05 ".
  if (iso.is_string() && text.size() > kDateSize && since.starts_with(text.substr(0, kDateSize))) {
    return text.substr(kDateSize);
  }
  return text;
}

// "broker 812, broker.b 130" from {"broker": 812, "broker.b": 130}, members
// in `members`' order.
std::string per_member_text(const json& counts, const json& members) {
  std::string text;
  for (const json& member : members) {
    if (!member.is_string()) continue;
    if (!text.empty()) text += ", ";
    text += member.get<std::string>() + " " +
            text_of(field(counts, member.get_ref<const std::string&>().c_str()));
  }
  return text.empty() ? "-" : text;
}

void append_centre(const json& report, const std::vector<std::string>& modes, std::string* out) {
  for (const std::string& mode : modes) {
    const json& centre = field(mode_of(report, mode), "centre");
    if (!centre.is_object()) continue;
    *out += fmt::format(
        "\nCENTRE, {}: failovers between the centre's members, hours without an active centre,\n"
        "and which member sent the warnings to units.\n",
        mode);
    const json& failovers = field(centre, "failovers");
    const json& down = field(centre, "down");
    if (failovers.empty() && down.empty()) {
      *out += "  no failover, and a member was the active centre throughout\n";
    } else {
      // Down intervals at their start and failovers, in time order; a down
      // interval before a failover at the same hour.
      struct Row {
        double t_h;
        int rank;
        std::vector<std::string> cells;
      };
      std::vector<Row> rows;
      for (const json& interval : down) {
        const std::string since = when_text(field(interval, "when"), field(interval, "t_h"));
        const json& back = field(interval, "back");
        const json& until_h = field(interval, "until_h");
        rows.push_back(
            {field(interval, "t_h").get<double>(),
             0,
             {"down",
              fmt::format("{} - {}", since,
                          back.is_null() ? "end of run"
                                         : until_text(field(interval, "until"), until_h, since)),
              fmt::format("({} h)", hours_text(field(interval, "hours").get<double>())),
              fmt::format(
                  "{} {}, {}", text_of(field(interval, "member")),
                  text_of(field(interval, "reason")),
                  back.is_null() ? "no member active again" : "back on " + text_of(back))}});
      }
      for (const json& failover : failovers) {
        rows.push_back({field(failover, "t_h").get<double>(),
                        1,
                        {"failover", when_text(field(failover, "when"), field(failover, "t_h")), "",
                         fmt::format("{} -> {}", text_of(field(failover, "from")),
                                     text_of(field(failover, "to")))}});
      }
      std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return a.t_h != b.t_h ? a.t_h < b.t_h : a.rank < b.rank;
      });
      TextTable table(
          {{"event"}, {"when"}, {"hours", Align::kRight}, {"members", Align::kLeft, true}}, 2);
      for (Row& row : rows) table.add_row(std::move(row.cells));
      *out += table.render();
      const json& total = field(centre, "hours_without_centre");
      *out += fmt::format("  without an active centre: {} h in all\n",
                          total.is_number() ? hours_text(total.get<double>()) : "-");
    }
    const json& members = field(centre, "members");
    *out += report::cut(fmt::format("  warnings sent to units: {}; resent: {}",
                                    per_member_text(field(centre, "warnings_by_member"), members),
                                    per_member_text(field(centre, "resends_by_member"), members)),
                        kLineWidthMax) +
            '\n';
  }
}

}  // namespace

std::string when_text(const json& iso, const json& t_h) {
  if (iso.is_string()) {
    std::string text = iso.get<std::string>().substr(0, 16);
    if (text.size() > 10) text[10] = ' ';
    return text;
  }
  return t_h.is_number() ? "hour " + hours_text(t_h.get<double>()) : "-";
}

std::string lead_text(const json& lead_h) {
  if (!lead_h.is_number()) return "-";
  // In tenths of an hour, so that rounding never shows "24.0h".
  const long long tenths = std::llround(lead_h.get<double>() * 10);
  const long long tenths_per_day = std::llround(kHoursPerDay * 10);
  const double rest_h = double(tenths % tenths_per_day) / 10;
  if (tenths < tenths_per_day) return fmt::format("{:.1f}h", double(tenths) / 10);
  return fmt::format("{}d {:.1f}h", tenths / tenths_per_day, rest_h);
}

std::string render_text(const v1::RunReport& run_report) {
  // Rendered from report.json's form of it (fields absent where it has none).
  const json report = json::parse(report::to_json(run_report));
  const std::vector<std::string> modes = mode_names(report);
  std::string out;
  append_header(report, modes, &out);
  append_plots(report, modes, &out);
  append_losses(report, modes, &out);
  append_handoffs(report, modes, &out);
  append_exposure(report, modes, &out);
  append_conservation(report, modes, &out);
  append_nodes(report, modes, &out);
  append_faults(report, modes, &out);
  append_anomalies(report, modes, &out);
  append_centre(report, modes, &out);
  return out;
}

}  // namespace tearline
