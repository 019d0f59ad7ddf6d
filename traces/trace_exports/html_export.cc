// A self-contained HTML page of a run: the plot table of build_report(), per
// mode a sequence diagram (inline SVG) of chosen trace ids, and per-handoff
// delay histograms. No scripts, no network: CSS and SVG are inline. Output
// depends on scenario time only, never on wall time, so it is reproducible.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/html_escape.h"
#include "traces/report/message_fates.h"
#include "traces/report/report.h"
#include "traces/report/report_json.h"
#include "traces/report/text_table.h"
#include "traces/trace_exports/export_events.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Event;
using trace_exports::ModeEvents;

constexpr int kBins = 10;

std::string esc(const std::string& value) { return html_escape(value); }

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  if (value.is_number_float()) return fmt::format("{:g}", value.get<double>());
  return value.dump();
}

// The table of plots: one row per plot, averted / first warning / lead time
// per mode.
std::string plot_table(const json& report) {
  const json& modes = report["modes"];
  std::string out = "<table class=\"plots\">\n<tr><th>plot</th>";
  std::vector<std::string> plot_ids;
  for (const auto& [mode, body] : modes.items()) {
    out += fmt::format(
        "<th>{0} averted</th><th>{0} first actionable warning</th>"
        "<th>{0} lead time</th>",
        esc(mode));
    for (const json& plot : body["plots"]) {
      const std::string id = text_of(plot["id"]);
      if (std::find(plot_ids.begin(), plot_ids.end(), id) == plot_ids.end()) plot_ids.push_back(id);
    }
  }
  out += "</tr>\n";
  for (const std::string& id : plot_ids) {
    out += fmt::format("<tr><td>{}</td>", esc(id));
    for (const auto& [mode, body] : modes.items()) {
      const auto plot = std::find_if(body["plots"].begin(), body["plots"].end(),
                                     [&id](const json& p) { return text_of(p["id"]) == id; });
      if (plot == body["plots"].end()) {
        out += "<td>-</td><td>-</td><td>-</td>";
        continue;
      }
      const bool averted = (*plot)["averted"] == true;
      const std::string first =
          averted ? fmt::format("{} at {} ({})",
                                when_text(plot->value("first_actionable_at", json()),
                                          plot->value("first_actionable_at_h", json())),
                                text_of((*plot)["first_actionable_unit"]),
                                text_of((*plot)["first_actionable_msg"]))
                  : "none";
      out += fmt::format("<td class=\"{}\">{}</td><td>{}</td><td>{}</td>", averted ? "yes" : "no",
                         averted ? "yes" : "NO", esc(first),
                         esc(lead_text(plot->value("lead_time_h", json()))));
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

// The centre's failovers and hours without an active member, and which
// member sent the warnings (build_report()'s "centre"); empty when the
// centre has no standby and was never down, or the mode has no centre.
std::string centre_table(const json& centre) {
  if (!centre.is_object()) return "";
  const json members = centre.value("members", json::array());
  // Copies, read with operator[]: a field report.json leaves out reads null.
  json failovers = centre.value("failovers", json::array());
  json down = centre.value("down", json::array());
  const json warnings = centre.value("warnings_by_member", json::object());
  if (members.size() < 2 && failovers.empty() && down.empty()) return "";
  std::string out =
      "<h3>Centre</h3>\n<table class=\"plots centre\">\n"
      "<tr><th>event</th><th>from</th><th>until</th><th>hours</th><th>members</th></tr>\n";
  // Down intervals and failovers, in time order; a down interval before a
  // failover at the same hour.
  std::vector<std::pair<double, std::string>> rows;
  for (json& interval : down) {
    const json& back = interval["back"];
    rows.emplace_back(
        interval["t_h"].get<double>(),
        fmt::format(
            "<tr><td>down</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}, {}</td></tr>\n",
            esc(when_text(interval["when"], interval["t_h"])),
            back.is_null() ? "end of run" : esc(when_text(interval["until"], interval["until_h"])),
            esc(text_of(interval["hours"])), esc(text_of(interval["member"])),
            esc(text_of(interval["reason"])),
            back.is_null() ? "no member active again" : "back on " + esc(text_of(back))));
  }
  for (json& failover : failovers) {
    rows.emplace_back(
        failover["t_h"].get<double>(),
        fmt::format("<tr><td>failover</td><td>{}</td><td></td><td></td><td>{} -&gt; {}</td></tr>\n",
                    esc(when_text(failover["when"], failover["t_h"])),
                    esc(text_of(failover["from"])), esc(text_of(failover["to"]))));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [t_h, row] : rows) out += row;
  out += "</table>\n<p>Without an active centre: " +
         esc(text_of(centre.value("hours_without_centre", json()))) +
         " h in all. Warnings sent to units:";
  for (const json& member : members) {
    out += fmt::format(" {} {}", esc(text_of(member)),
                       esc(text_of(warnings.value(text_of(member), json(0)))));
    if (&member != &members.back()) out += ",";
  }
  return out + ".</p>\n";
}

// The messages a centre without a journal served a second time after a
// restart (report.json's messages.served_again_without_journal), each
// counted delivered once; empty when there are none.
std::string served_again_note(const json& messages) {
  const json count = messages.value("served_again_without_journal", json(0));
  if (!count.is_number() || count.get<int64_t>() <= 0) return "";
  return "<p>Messages delivered: " + esc(text_of(messages.value("delivered", json()))) +
         ", of them served again without a journal: " + esc(text_of(count)) +
         " (the centre keeps no journal: a restart forgot that it had served them, and it "
         "served the resent reports again; each counts delivered once).</p>\n";
}

// One mode's sequence diagram: a lifeline per node and, in time order, one
// row per transfer (a message's first receipt on a link: an arrow) or loss
// on a link (an arrow that stops halfway at a cross). Each row holds one
// label and its scenario hour at the left, so labels never overlap; the
// width leaves room for the longest label.
class Sequence {
 public:
  Sequence(const ModeEvents& mode, const std::set<std::string>& traces) {
    const report::MessageIndex index(mode.traces.events);
    std::map<std::string, double> sent_h;  // Message on a link: its first send.
    std::set<std::string> drawn;
    for (const Event& event : mode.traces.events) {
      const std::string trace = event.trace.empty() ? index.trace_of(event.msg) : event.trace;
      std::string from;
      std::string to;
      if (event.msg.empty() || !traces.contains(trace)) continue;
      if (!trace_exports::split_link(event.handoff, &from, &to)) continue;
      // Hours since the first send, when there are any.
      const auto sent = sent_h.find(event.msg);
      const double transit_h = sent == sent_h.end() ? 0 : event.t_h - sent->second;
      const std::string transit = transit_h >= 0.005 ? fmt::format(" (+{:.2f} h)", transit_h) : "";
      if (event.kind == "sent") {
        sent_h.emplace(event.msg, event.t_h);
      } else if (event.kind == "received" && drawn.insert(event.msg).second) {
        add_step(from, to, event.t_h, event.msg + " " + event.handoff + transit, false);
      } else if (report::is_loss(event.kind)) {
        add_step(from, to, event.t_h,
                 event.msg + " " + event.kind + ": " + report::loss_reason(event) + transit, true);
      }
    }
  }

  std::string svg(const std::string& mode) const {
    int width = kTimeColumn + std::max<int>(1, static_cast<int>(lanes_.size())) * kLaneWidth;
    for (const Step& step : steps_) {
      width = std::max(width, label_x(step) + text_width(step.label) + kMargin);
    }
    const int height = y_of(static_cast<int>(steps_.size())) + kMargin;
    std::string out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" data-mode=\"{0}\" "
        "id=\"sequence-{0}\" width=\"{1}\" height=\"{2}\" viewBox=\"0 0 {1} {2}\">\n",
        esc(mode), width, height);
    for (size_t i = 0; i < lanes_.size(); ++i) {
      const int x = x_of(static_cast<int>(i));
      out += fmt::format(
          "<g class=\"lifeline\"><text x=\"{0}\" y=\"20\" text-anchor=\"middle\">{1}</text>"
          "<line x1=\"{0}\" y1=\"28\" x2=\"{0}\" y2=\"{2}\" /></g>\n",
          x, esc(lanes_[i]), height);
    }
    for (size_t row = 0; row < steps_.size(); ++row) {
      const Step& step = steps_[row];
      const int y = y_of(static_cast<int>(row));
      const int x1 = x_of(step.from);
      const int x2 = x_end(step);
      const std::string time =
          fmt::format("<text class=\"time\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.2f} h</text>",
                      kTimeColumn - kMargin, y + 4, step.t_h);
      const std::string label = fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", label_x(step),
                                            y - kLabelRise, esc(step.label));
      if (step.lost) {
        out += fmt::format(
            "<g class=\"lost\"><line class=\"arrow lost\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" "
            "y2=\"{1}\" /><path class=\"cross\" d=\"M{3},{4} L{5},{6} M{3},{6} L{5},{4}\" />"
            "{7}{8}</g>\n",
            x1, y, x2, x2 - 5, y - 5, x2 + 5, y + 5, time, label);
      } else {
        out += fmt::format(
            "<g class=\"transfer\"><line class=\"arrow\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" "
            "y2=\"{1}\" marker-end=\"url(#head)\" />{3}{4}</g>\n",
            x1, y, x2, time, label);
      }
    }
    return out + "</svg>\n";
  }

 private:
  static constexpr int kTimeColumn = 80;  // Pixels, left of the first lane.
  static constexpr int kLaneWidth = 180;
  static constexpr int kRowHeight = 30;
  static constexpr int kTop = 40;
  static constexpr int kMargin = 8;
  static constexpr int kLabelRise = 5;  // Label baseline above its arrow.
  // Wider than the average character of the 10 px sans-serif labels, so a
  // label's estimated extent covers its rendered one.
  static constexpr double kCharWidth = 6.5;

  struct Step {
    int from;
    int to;
    double t_h;
    std::string label;
    bool lost;
  };

  void add_step(const std::string& from, const std::string& to, double t_h, std::string label,
                bool lost) {
    steps_.push_back({lane(from), lane(to), t_h, std::move(label), lost});
  }
  int lane(const std::string& node) {
    const auto it = std::find(lanes_.begin(), lanes_.end(), node);
    if (it != lanes_.end()) return static_cast<int>(it - lanes_.begin());
    lanes_.push_back(node);
    return static_cast<int>(lanes_.size()) - 1;
  }
  static int x_of(int lane) { return kTimeColumn + lane * kLaneWidth + kLaneWidth / 2; }
  static int y_of(int row) { return kTop + (row + 1) * kRowHeight; }
  // A lost transfer stops halfway, at its cross.
  static int x_end(const Step& step) {
    return step.lost ? (x_of(step.from) + x_of(step.to)) / 2 : x_of(step.to);
  }
  // Labels start just right of the arrow's left end.
  static int label_x(const Step& step) { return std::min(x_of(step.from), x_end(step)) + 6; }
  static int text_width(const std::string& text) {
    return static_cast<int>(static_cast<double>(text.size()) * kCharWidth);
  }

  std::vector<std::string> lanes_;
  std::vector<Step> steps_;
};

// Delays of every handoff of a mode, in scenario hours: received - sent on a
// link, served - queued in a queue (by message).
std::map<std::string, std::vector<double>> handoff_delays(const ModeEvents& mode) {
  std::map<std::pair<std::string, std::string>, double> started;  // (handoff, msg) -> t_h.
  std::map<std::string, std::vector<double>> delays;
  for (const Event& event : mode.traces.events) {
    if (event.msg.empty() || event.handoff.empty()) continue;
    const auto key = std::make_pair(event.handoff, event.msg);
    if (event.kind == "sent" || event.kind == "queued") {
      started.emplace(key, event.t_h);
    } else if (event.kind == "received" || event.kind == "served") {
      const auto it = started.find(key);
      if (it == started.end()) continue;
      delays[event.handoff].push_back(event.t_h - it->second);
      started.erase(it);
    }
  }
  return delays;
}

std::string histogram(const std::string& mode, const std::string& handoff,
                      const std::vector<double>& delays) {
  const double max = *std::max_element(delays.begin(), delays.end());
  const double bin_h = max > 0 ? max / kBins : 1.0;
  std::vector<int> counts(kBins, 0);
  for (const double delay : delays) {
    ++counts[std::min(kBins - 1, static_cast<int>(delay / bin_h))];
  }
  const int most = *std::max_element(counts.begin(), counts.end());
  constexpr int kBarWidth = 20;
  constexpr int kHeight = 60;
  std::string out = fmt::format(
      "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" data-mode=\"{}\" "
      "data-handoff=\"{}\" width=\"{}\" height=\"{}\">\n",
      esc(mode), esc(handoff), kBins * kBarWidth, kHeight + 14);
  for (int i = 0; i < kBins; ++i) {
    const int h = counts[i] * kHeight / most;
    out += fmt::format(
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
        "<title>{:g}-{:g} h: {}</title></rect>\n",
        i * kBarWidth + 1, kHeight - h, kBarWidth - 2, h, i * bin_h, (i + 1) * bin_h, counts[i]);
  }
  out += fmt::format(
      "<text x=\"0\" y=\"{}\">0</text><text x=\"{}\" y=\"{}\" "
      "text-anchor=\"end\">{:.2f} h</text>\n</svg>",
      kHeight + 12, kBins * kBarWidth, kHeight + 12, max);
  return out + fmt::format("<figcaption>{} ({})</figcaption></figure>\n", esc(handoff),
                           report::counted(delays.size(), "message"));
}

constexpr const char* kStyle = R"(<style>
body { font-family: sans-serif; margin: 1em 2em; }
table.plots { border-collapse: collapse; }
table.plots td, table.plots th { border: 1px solid #999; padding: 2px 8px; }
td.yes { color: #070; } td.no { color: #b00; font-weight: bold; }
svg text { font-size: 10px; }
svg.sequence text.time { fill: #666; }
.lifeline line { stroke: #aaa; stroke-dasharray: 4 3; }
.lifeline text { font-weight: bold; }
line.arrow { stroke: #036; }
line.arrow.lost { stroke: #b00; }
path.cross { stroke: #b00; stroke-width: 2; }
rect.bar { fill: #369; }
figure { display: inline-block; margin: 0 1em 1em 0; }
</style>
)";

}  // namespace

std::string export_html(const std::string& run_dir, const std::vector<std::string>& trace_ids,
                        std::vector<std::string>* warnings) {
  const std::vector<ModeEvents> modes = trace_exports::read_run(run_dir, warnings);
  // Same lines: warned once above. Read as report.json, with operator[]:
  // a field it leaves out reads null.
  json report = json::parse(report::to_json(build_report(run_dir, nullptr)));
  const std::vector<std::string> chosen = trace_ids.empty() ? plot_trace_ids(modes) : trace_ids;
  const std::set<std::string> traces(chosen.begin(), chosen.end());
  std::string ids;
  for (const std::string& id : chosen) ids += (ids.empty() ? "" : ", ") + id;

  const std::string title =
      fmt::format("tearline run: {} seed {}", text_of(report["scenario"]), text_of(report["seed"]));
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
      "<head>\n<meta charset=\"utf-8\" />\n";
  out += fmt::format("<title>{0}</title>\n{1}</head>\n<body>\n<h1>{0}</h1>\n", esc(title), kStyle);
  out += "<h2>Plots</h2>\n" + plot_table(report);
  out +=
      "<svg width=\"0\" height=\"0\"><defs><marker id=\"head\" markerWidth=\"8\" "
      "markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" "
      "/></marker></defs></svg>\n";
  for (const ModeEvents& mode : modes) {
    const std::string& name = mode.traces.mode;
    out += fmt::format("<section class=\"mode\" id=\"mode-{0}\">\n<h2>{0}</h2>\n", esc(name));
    if (report["modes"].contains(name)) {
      out += centre_table(report["modes"][name]["centre"]);
      out += served_again_note(report["modes"][name]["messages"]);
    }
    out += fmt::format("<h3>Sequence of trace ids: {}</h3>\n", esc(ids.empty() ? "(none)" : ids));
    out += Sequence(mode, traces).svg(name);
    out += "<h3>Delay per handoff (scenario hours)</h3>\n";
    for (const auto& [handoff, delays] : handoff_delays(mode)) {
      out += histogram(name, handoff, delays);
    }
    out += "</section>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace tearline
