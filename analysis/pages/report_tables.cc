#include "analysis/pages/report_tables.h"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/explain/why.h"
#include "analysis/pictures/dates.h"
#include "analysis/pictures/svg.h"
#include "base/html_escape.h"

namespace tearline::pages {
namespace {

using pictures::count_text;
using pictures::duration_text;

std::string esc(std::string_view text) { return html_escape(text); }

std::string percentile(const v1::Percentiles& p, double (v1::Percentiles::*field)() const,
                       bool (v1::Percentiles::*has)() const) {
  return (p.*has)() ? duration_text((p.*field)()) : "-";
}

std::string fields(const google::protobuf::RepeatedPtrField<std::string>& list) {
  std::string out;
  for (const std::string& field : list) out += (out.empty() ? "" : ", ") + field;
  return out.empty() ? "none" : out;
}

std::string trust_text(const v1::SharingDecision& decision) {
  if (!decision.has_trust()) return "";
  return fmt::format(" (trust {:g}; in full from {:g}, sanitised from {:g})", decision.trust(),
                     decision.full_trust_min(), decision.sanitised_trust_min());
}

}  // namespace

std::vector<std::string> mode_names(const v1::RunReport& report) {
  std::vector<std::string> names;
  for (const auto& [name, mode] : report.modes()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string plot_table(const v1::RunReport& report) {
  const std::vector<std::string> modes = mode_names(report);
  std::string out = "<table class=\"numbers plots\">\n<tr><th>plot</th><th>attack</th>";
  for (const std::string& mode : modes) {
    out += fmt::format(
        "<th>{0} averted</th><th>{0} first actionable warning</th><th>{0} lead time</th>",
        esc(mode));
  }
  out += "</tr>\n";
  if (modes.empty()) return out + "</table>\n";
  const v1::ModeReport& first = report.modes().at(modes.front());
  const pictures::Dates dates(first.run().start_iso());
  for (const v1::PlotOutcome& listed : first.plots()) {
    out += fmt::format("<tr><td>{}</td><td>{}</td>", esc(listed.id()),
                       esc(dates.minute(listed.attack_h())));
    for (const std::string& mode : modes) {
      const auto& plots = report.modes().at(mode).plots();
      const auto plot = std::find_if(plots.begin(), plots.end(), [&](const v1::PlotOutcome& p) {
        return p.id() == listed.id();
      });
      if (plot == plots.end()) {
        out += "<td>-</td><td>-</td><td>-</td>";
      } else if (plot->averted()) {
        out += fmt::format("<td class=\"yes\">yes</td><td>{} at {} ({})</td><td>{}</td>",
                           esc(dates.minute(plot->first_actionable_at_h())),
                           esc(plot->first_actionable_unit()), esc(plot->first_actionable_msg()),
                           esc(duration_text(plot->lead_time_h())));
      } else {
        out += "<td class=\"no\">NO</td><td>none</td><td>-</td>";
      }
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string copies_table(const v1::PlotOutcome& plot, const std::string& mode,
                         const std::string& start_iso) {
  const pictures::Dates dates(start_iso);
  std::string rows;
  const auto row = [&](const std::string& what, const std::string& handoff, uint32_t count,
                       const std::string& text) {
    rows += fmt::format(
        "<tr><td>{}</td><td><a href=\"#{}\">{}</a></td><td class=\"n\">{}</td><td>{}</td></tr>\n",
        esc(what), esc(explain::anchor_of(mode, handoff)), esc(handoff), count_text(count),
        esc(text));
  };
  for (const v1::SharingDecision& withheld : plot.withheld_at()) {
    row("withheld", withheld.handoff(), withheld.count(),
        fmt::format("from {}: {}{}", withheld.for_(), withheld.reason(), trust_text(withheld)));
  }
  for (const v1::SharingDecision& degraded : plot.degraded_at()) {
    row("sanitised", degraded.handoff(), degraded.count(),
        fmt::format("for {}: detail left {}{}", degraded.for_(), fields(degraded.detail_left()),
                    trust_text(degraded)));
  }
  for (const v1::CopyEnd& end : plot.lost_at()) {
    // Withheld copies have rows of their own above, with the policy's why.
    if (!plot.withheld_at().empty() && end.reason().rfind("withheld", 0) == 0) continue;
    row(end.fate() == "in_flight" ? "in flight" : "lost", end.handoff(), end.count(),
        end.reason() + " at " + end.node());
  }
  for (const v1::Warning& warning : plot.warnings_not_actionable()) {
    std::string verdict = warning.actionable() ? "" : "too thin";
    if (!warning.actionable() && warning.missing_size() > 0) {
      verdict += " (lacks " + fields(warning.missing()) + ")";
    }
    if (!warning.in_time()) verdict += verdict.empty() ? "too late" : " and too late";
    row(verdict, "intake@" + warning.unit(), 1,
        fmt::format("{} reached {} {} with {}", warning.msg(), warning.unit(),
                    dates.minute(warning.at_h()), fields(warning.detail())));
  }
  if (rows.empty()) return "<p>No copy was withheld, sanitised, lost or left in flight.</p>\n";
  return "<table class=\"numbers copies\">\n<tr><th>what</th><th>handoff</th><th>copies</th>"
         "<th>how</th></tr>\n" +
         rows + "</table>\n";
}

std::string handoff_table(const v1::ModeReport& report, const std::string& mode) {
  std::string out =
      "<table class=\"numbers handoffs\">\n<tr><th>handoff</th><th>type</th><th>in</th>"
      "<th>out</th><th>lost</th><th>in flight</th><th>p50</th><th>p90</th><th>p99</th>"
      "<th>max</th><th>wait p90</th><th>notes</th></tr>\n";
  for (const v1::Handoff& handoff : report.handoffs()) {
    std::string lost;
    for (const auto& [reason, count] : handoff.lost()) {
      lost += fmt::format("{}{} {}", lost.empty() ? "" : ", ", count_text(count), reason);
    }
    std::string notes;
    if (handoff.has_shared_full() || handoff.has_sanitised()) {
      notes = fmt::format("{} in full, {} sanitised", handoff.shared_full(), handoff.sanitised());
    }
    if (handoff.resent() > 0) notes += fmt::format("{} resent", handoff.resent());
    const v1::Percentiles& d = handoff.delay_h();
    out += fmt::format(
        "<tr id=\"{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td>{}</td></tr>\n",
        esc(explain::anchor_of(mode, handoff.name())), esc(handoff.name()), esc(handoff.type()),
        count_text(handoff.in()), count_text(handoff.out()),
        handoff.lost_total() > 0 ? " lost" : "",
        esc(lost.empty() ? "0" : count_text(handoff.lost_total()) + " (" + lost + ")"),
        count_text(handoff.in_flight()),
        percentile(d, &v1::Percentiles::p50, &v1::Percentiles::has_p50),
        percentile(d, &v1::Percentiles::p90, &v1::Percentiles::has_p90),
        percentile(d, &v1::Percentiles::p99, &v1::Percentiles::has_p99),
        percentile(d, &v1::Percentiles::max, &v1::Percentiles::has_max),
        percentile(handoff.wait_h(), &v1::Percentiles::p90, &v1::Percentiles::has_p90), esc(notes));
  }
  return out + "</table>\n";
}

std::string centre_table(const v1::ModeReport& report) {
  if (!report.has_centre()) return "";
  const v1::Centre& centre = report.centre();
  if (centre.members_size() < 2 && centre.failovers().empty() && centre.down().empty()) return "";
  const pictures::Dates dates(report.run().start_iso());
  std::string out =
      "<table class=\"numbers centre\">\n<tr><th>event</th><th>from</th><th>until</th>"
      "<th>hours</th><th>members</th></tr>\n";
  for (const auto& down : centre.down()) {
    out += fmt::format(
        "<tr><td>down</td><td>{}</td><td>{}</td><td class=\"n\">{:.1f}</td>"
        "<td>{} {}, {}</td></tr>\n",
        esc(dates.minute(down.t_h())),
        down.has_until_h() ? esc(dates.minute(down.until_h())) : "end of run", down.hours(),
        esc(down.member()), esc(down.reason()),
        down.has_back() ? "back on " + esc(down.back()) : "no member active again");
  }
  for (const auto& failover : centre.failovers()) {
    out += fmt::format("<tr><td>failover</td><td>{}</td><td></td><td></td><td>{} → {}</td></tr>\n",
                       esc(dates.minute(failover.t_h())), esc(failover.from()), esc(failover.to()));
  }
  return out + fmt::format("</table>\n<p>Without an active centre: {:.1f} h in all.</p>\n",
                           centre.hours_without_centre());
}

std::string faults_table(const v1::ModeReport& report) {
  if (report.faults().empty()) return "";
  const pictures::Dates dates(report.run().start_iso());
  std::string out =
      "<table class=\"numbers faults\">\n<tr><th>from</th><th>until</th><th>fault</th>"
      "<th>node</th><th>by</th><th>lost</th><th>attempts lost</th><th>delayed</th>"
      "<th>plots touched</th></tr>\n";
  for (const v1::FaultEffect& fault : report.faults()) {
    uint64_t lost = 0;
    std::string reasons;
    for (const auto& [reason, count] : fault.lost()) {
      lost += count;
      reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, count);
    }
    const std::string lost_cell =
        lost == 0 ? count_text(0) : fmt::format("{} ({})", count_text(lost), esc(reasons));
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
        esc(dates.minute(fault.t_h())),
        fault.has_until_h() ? esc(dates.minute(fault.until_h())) : "end of run", esc(fault.fault()),
        esc(fault.node()), esc(fault.by()), lost_cell, count_text(fault.attempts_lost()),
        count_text(fault.delayed()), esc(explain::plots_touched_text(fault, report)));
  }
  return out + "</table>\n";
}

std::string nodes_table(const v1::ModeReport& report) {
  std::string out =
      "<table class=\"numbers nodes\">\n<tr><th>node</th><th>exit</th><th>lives</th>"
      "<th>peak memory</th></tr>\n";
  for (const v1::NodeExit& node : report.nodes()) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
                       esc(node.name()), esc(node.has_exit() ? node.exit() : "-"),
                       esc(fields(node.exits())),
                       node.has_peak_rss_kib() ? count_text(node.peak_rss_kib()) + " KiB" : "-");
  }
  return out + "</table>\n";
}

std::string exposure_paragraph(const v1::ModeReport& report) {
  const v1::Exposure& exposure = report.exposure();
  if (exposure.nodes() == 0) {
    return "<p class=\"exposure\">Source exposure: no node saw another agency's true source "
           "handle.</p>\n";
  }
  std::vector<std::string> nodes;
  for (const auto& [node, handles] : exposure.source_handles_seen_by()) nodes.push_back(node);
  std::sort(nodes.begin(), nodes.end());
  std::string out = fmt::format(
      "<p class=\"exposure\">Source exposure: {} node{} saw another agency's true source handle:",
      exposure.nodes(), exposure.nodes() == 1 ? "" : "s");
  for (const std::string& node : nodes) {
    out += fmt::format(" {} ({}){}", esc(node),
                       esc(fields(exposure.source_handles_seen_by().at(node).handles())),
                       &node == &nodes.back() ? "." : ";");
  }
  return out + "</p>\n";
}

std::string messages_paragraph(const v1::ModeReport& report) {
  const v1::MessageCounts& m = report.messages();
  std::string out = fmt::format(
      "<p class=\"messages\">Messages created: {}; delivered {}, lost {}, in flight at the end "
      "{}, unaccounted {}.",
      count_text(m.created()), count_text(m.delivered()), count_text(m.lost()),
      count_text(m.in_flight()), count_text(m.unaccounted()));
  if (m.served_again_without_journal() > 0) {
    out += fmt::format(
        " Served a second time by a centre without a journal after a restart: {} (each "
        "counted delivered once).",
        count_text(m.served_again_without_journal()));
  }
  return out + "</p>\n";
}

}  // namespace tearline::pages
