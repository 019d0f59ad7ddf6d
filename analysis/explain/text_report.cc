// render_text(): the why in words first, then the plots and where their
// copies died, then the tables (text_tables.h).
#include "analysis/explain/text_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/explain/text_tables.h"
#include "analysis/explain/why.h"
#include "analysis/explain/words.h"

namespace tearline::explain {
namespace {

using report::Align;
using report::kLineWidthMax;
using report::TextTable;

Modes mode_names(const v1::RunReport& report) {
  Modes modes;
  for (const auto& [mode, ignored] : report.modes()) modes.push_back(mode);
  std::sort(modes.begin(), modes.end());
  return modes;
}

const v1::PlotOutcome* plot_in(const v1::RunReport& report, const std::string& mode,
                               const std::string& id) {
  for (const v1::PlotOutcome& plot : report.modes().at(mode).plots()) {
    if (plot.id() == id) return &plot;
  }
  return nullptr;
}

// Plot ids in the order of the first mode that lists them.
std::vector<std::string> plot_ids(const v1::RunReport& report, const Modes& modes) {
  std::vector<std::string> ids;
  for (const std::string& mode : modes) {
    for (const v1::PlotOutcome& plot : report.modes().at(mode).plots()) {
      if (std::find(ids.begin(), ids.end(), plot.id()) == ids.end()) ids.push_back(plot.id());
    }
  }
  return ids;
}

// The first mode's view of a plot, and that mode's start date.
std::pair<const v1::PlotOutcome*, std::string> any_plot(const v1::RunReport& report,
                                                        const Modes& modes, const std::string& id) {
  for (const std::string& mode : modes) {
    if (const v1::PlotOutcome* plot = plot_in(report, mode, id)) {
      return {plot, report.modes().at(mode).run().start_iso()};
    }
  }
  return {nullptr, ""};
}

void append_header(const v1::RunReport& report, const Modes& modes, std::string* out) {
  *out += "tearline run report\n";
  *out += fmt::format("scenario: {}   seed: {}\n", report.has_scenario() ? report.scenario() : "-",
                      report.has_seed() ? std::to_string(report.seed()) : "-");
  *out += fmt::format("run: {}\n", report.run_dir());
  *out += wrap(fmt::format("{}", fmt::join(modes, ", ")), "modes: ", "       ", kLineWidthMax);
}

void append_why(const v1::RunReport& report, const Modes& modes, std::string* out) {
  *out += "\nWHY, IN WORDS: for each plot and mode, what became of the intelligence.\n";
  const std::vector<Story> stories = explain(report);
  if (stories.empty()) *out += "  no plots in the run information\n";
  std::string plot;
  for (const Story& story : stories) {
    if (story.plot != plot) {
      plot = story.plot;
      const auto [outcome, start_iso] = any_plot(report, modes, plot);
      *out += fmt::format("\n{} ({}, attack on {})\n", plot, outcome->area(),
                          date_text(start_iso, outcome->attack_h()));
    }
    *out += wrap(story.headline, fmt::format("  {}: ", story.mode), "    ", kLineWidthMax);
    for (const Fact& fact : story.facts) *out += wrap(fact.text, "    - ", "      ", kLineWidthMax);
  }
  const std::vector<FaultLine> faults = explain_faults(report);
  std::string mode;
  for (const FaultLine& line : faults) {
    if (line.mode != mode) {
      mode = line.mode;
      *out += fmt::format("\nFaults, {}:\n", mode);
    }
    *out += wrap(line.fact.text, "  - ", "    ", kLineWidthMax);
  }
}

// ", via broker.b": the centre's member that sent a plot's first actionable
// warning, when the centre has a standby (more than one member).
std::string via_member(const v1::ModeReport& mode, const v1::PlotOutcome& plot) {
  if (mode.centre().members_size() < 2 || !plot.has_centre_member()) return "";
  return ", via " + plot.centre_member();
}

void append_plots(const v1::RunReport& report, const Modes& modes, std::string* out) {
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
    const v1::PlotOutcome& plot = *any_plot(report, modes, id).first;
    plots.add_row(
        {id, plot.area(),
         when_text(optional_of(plot.has_attack_at(), plot.attack_at()), plot.attack_h())});
  }
  *out += plots.render() + '\n';

  SideBySide table;
  table.row_columns = {{"plot", Align::kLeft, true}};
  table.mode_columns = {{"averted"}, {"first warning"}, {"lead time", Align::kRight}};
  for (const std::string& id : ids) table.rows.push_back({id});
  table.cells = [&](size_t row, const std::string& mode) -> std::vector<std::string> {
    const v1::PlotOutcome* plot = plot_in(report, mode, ids[row]);
    if (!plot) return {"-"};
    if (!plot->averted()) return {"NO", "-", "-"};
    return {
        "yes",
        plot->has_first_actionable_at_h()
            ? when_text(optional_of(plot->has_first_actionable_at(), plot->first_actionable_at()),
                        plot->first_actionable_at_h())
            : "-",
        plot->has_lead_time_h() ? lead_text(plot->lead_time_h()) : "-"};
  };
  *out += table.render(modes);

  bool any_path = false;
  for (const std::string& id : ids) {
    for (const std::string& mode : modes) {
      const v1::PlotOutcome* plot = plot_in(report, mode, id);
      if (!plot || plot->path().empty()) continue;
      if (!any_path) *out += "\nPath of the first actionable warning:\n";
      any_path = true;
      // Steps joined by " > ", broken only between steps.
      std::string steps;
      for (const std::string& step : plot->path()) {
        steps += (steps.empty() ? "" : " >\x01") + step;
      }
      std::string wrapped = wrap(
          steps, fmt::format("  {}, {}{}: ", id, mode, via_member(report.modes().at(mode), *plot)),
          "      ", kLineWidthMax);
      std::replace(wrapped.begin(), wrapped.end(), '\x01', ' ');
      *out += wrapped;
    }
  }
}

std::string verdict(const v1::Warning& warning) {
  if (!warning.actionable() && !warning.in_time()) return "too thin and too late";
  return warning.actionable() ? "too late" : "too thin";
}

void append_copy_ends(const v1::PlotOutcome& plot, std::string* out) {
  if (plot.lost_at().empty()) {
    *out += "  no copy was lost or left in flight\n";
    return;
  }
  TextTable table({{"fate"},
                   {"reason", Align::kLeft, true},
                   {"handoff", Align::kLeft, true},
                   {"node", Align::kLeft, true},
                   {"copies", Align::kRight}},
                  2);
  for (const v1::CopyEnd& end : plot.lost_at()) {
    table.add_row({end.fate() == "in_flight" ? "in flight" : end.fate(), end.reason(),
                   end.handoff(), end.node(), std::to_string(end.count())});
  }
  *out += table.render();
}

void append_losses(const v1::RunReport& report, const Modes& modes, std::string* out) {
  *out +=
      "\nWHERE THE COPIES DIED: for each plot not averted, its reports' copies that were lost\n"
      "or still held at the end, copies withheld or sanitised on the way, and warnings that\n"
      "arrived but could not be acted on.\n";
  bool any = false;
  for (const std::string& id : plot_ids(report, modes)) {
    for (const std::string& mode : modes) {
      const v1::PlotOutcome* plot = plot_in(report, mode, id);
      if (!plot || plot->averted()) continue;
      any = true;
      *out += fmt::format("\n{}, {}: not averted\n", id, mode);
      append_copy_ends(*plot, out);
      for (const auto& [decisions, verb] :
           {std::pair{&plot->withheld_at(), "withheld"}, {&plot->degraded_at(), "sanitised"}}) {
        for (const v1::SharingDecision& decision : *decisions) {
          const std::string left = fmt::format("{}", fmt::join(decision.detail_left(), ", "));
          *out += fmt::format(
              "  {} {} {} at {} for {}{}\n", decision.count(),
              decision.count() == 1 ? "copy" : "copies", verb, decision.handoff(), decision.for_(),
              std::string(verb) == "sanitised" ? ": detail left " + (left.empty() ? "none" : left)
                                               : "");
        }
      }
      if (plot->warnings_not_actionable().empty()) {
        *out += "  no warning reached a unit of the area\n";
        continue;
      }
      *out += "  warnings that reached a unit but were not actionable in time:\n";
      TextTable table(
          {{"unit", Align::kLeft, true}, {"arrived"}, {"detail", Align::kLeft, true}, {"verdict"}},
          4);
      for (const v1::Warning& warning : plot->warnings_not_actionable()) {
        const std::string detail = fmt::format("{}", fmt::join(warning.detail(), ", "));
        table.add_row({warning.unit(),
                       when_text(optional_of(warning.has_at(), warning.at()), warning.at_h()),
                       detail.empty() ? "(none)" : detail, verdict(warning)});
      }
      *out += table.render();
    }
  }
  if (!any) *out += "  every plot was averted in every mode\n";
}

}  // namespace

std::string render_text(const v1::RunReport& report) {
  const Modes modes = mode_names(report);
  std::string out;
  append_header(report, modes, &out);
  append_why(report, modes, &out);
  append_plots(report, modes, &out);
  append_losses(report, modes, &out);
  append_centre(report, modes, &out);
  append_conservation(report, modes, &out);
  append_exposure(report, modes, &out);
  append_nodes(report, modes, &out);
  append_anomalies(report, modes, &out);
  append_fault_table(report, modes, &out);
  append_handoffs(report, modes, &out);
  return out;
}

}  // namespace tearline::explain
