#include "analysis/pages/report_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/html_escape.h"
#include "analysis/pages/report_tables.h"
#include "analysis/pictures/dates.h"
#include "analysis/pictures/handoff_map.h"
#include "analysis/pictures/histogram.h"
#include "analysis/pictures/plot_timeline.h"

namespace tearline::pages {
namespace {

using pictures::duration_text;

std::string esc(std::string_view text) { return html_escape(text); }

// A sentence, linked to its handoff's row when it is about one.
std::string fact_html(const std::string& mode, const explain::Fact& fact) {
  if (fact.handoff.empty()) return esc(fact.text);
  return fmt::format("{} <a class=\"to-row\" href=\"#{}\">{}</a>", esc(fact.text),
                     esc(explain::anchor_of(mode, fact.handoff)), esc(fact.handoff));
}

// The verdict the report itself gives, whatever the words say.
std::string verdict_html(const v1::PlotOutcome& plot, const pictures::Dates& dates) {
  if (!plot.averted()) return "<p class=\"verdict no\">not averted</p>\n";
  return fmt::format(
      "<p class=\"verdict yes\">averted, {} before the attack</p>\n"
      "<p class=\"first\">first actionable warning {} at {}</p>\n",
      esc(duration_text(plot.lead_time_h())), esc(dates.minute(plot.first_actionable_at_h())),
      esc(plot.first_actionable_unit()));
}

// Per plot: a column per mode with its verdict and its story.
std::string plots_section(const v1::RunReport& report, const std::vector<explain::Story>& stories) {
  const std::vector<std::string> modes = mode_names(report);
  if (modes.empty()) return "<p>This report has no modes.</p>\n";
  const v1::ModeReport& first = report.modes().at(modes.front());
  const pictures::Dates dates(first.run().start_iso());
  std::string out;
  for (const v1::PlotOutcome& listed : first.plots()) {
    out += fmt::format(
        "<section class=\"plot\" id=\"plot-{0}\">\n<h2>{0}</h2>\n<p class=\"attack\">attack on "
        "{1}, {2}</p>\n<div class=\"modes\">\n",
        esc(listed.id()), esc(listed.area()), esc(dates.minute(listed.attack_h())));
    for (const std::string& mode : modes) {
      const auto& plots = report.modes().at(mode).plots();
      const auto plot = std::find_if(plots.begin(), plots.end(), [&](const v1::PlotOutcome& p) {
        return p.id() == listed.id();
      });
      out += fmt::format("<div class=\"mode\" data-mode=\"{0}\">\n<h3>{0}</h3>\n", esc(mode));
      if (plot != plots.end()) out += verdict_html(*plot, dates);
      for (const explain::Story& story : stories) {
        if (story.plot != listed.id() || story.mode != mode) continue;
        out += "<p class=\"headline\">" + esc(story.headline) + "</p>\n<ol class=\"facts\">\n";
        for (const explain::Fact& fact : story.facts) {
          out += "<li>" + fact_html(mode, fact) + "</li>\n";
        }
        out += "</ol>\n";
      }
      out += "</div>\n";
    }
    out += "</div>\n</section>\n";
  }
  return out;
}

// The faults' words as explain_faults() tells them: per mode the costliest
// first, the rest summed.
std::string faults_section(const v1::RunReport& report,
                           const std::vector<explain::FaultLine>& lines) {
  size_t faults = 0;
  for (const auto& [name, mode] : report.modes()) faults += size_t(mode.faults_size());
  if (faults == 0) return "<p class=\"faults\">No faults were injected.</p>\n";
  std::string out = fmt::format("<h2>Faults of the run ({})</h2>\n<ul class=\"faults\">\n", faults);
  for (size_t i = 0; i < lines.size() && i < kFaultLinesShownMax; ++i) {
    out += fmt::format("<li><span class=\"mode-tag\">{}</span> {}</li>\n", esc(lines[i].mode),
                       fact_html(lines[i].mode, lines[i].fact));
  }
  if (lines.size() > kFaultLinesShownMax) {
    out += fmt::format("<li>… and {} more in the faults tables below.</li>\n",
                       lines.size() - kFaultLinesShownMax);
  }
  return out + "</ul>\n";
}

std::string maps_section(const v1::RunReport& report) {
  std::string out =
      "<h2>Handoff map</h2>\n<p class=\"legend\">Boxes are nodes with their departments; arrows "
      "are links, labelled with messages in and out, p50 and p90 delay, and messages still in "
      "flight at the end. <span class=\"lost\">✕ Red</span> marks losses where they happen, with "
      "their reason. Click a label for its row in the tables.</p>\n<div class=\"maps\">\n";
  for (const std::string& mode : mode_names(report)) {
    const auto href = [&mode](const std::string& handoff) {
      return "#" + explain::anchor_of(mode, handoff);
    };
    out += fmt::format(
        "<figure class=\"map\" data-mode=\"{0}\"><figcaption>{0}</figcaption>\n{1}"
        "</figure>\n",
        esc(mode), pictures::handoff_map(report.modes().at(mode), mode, href).svg);
  }
  return out + "</div>\n";
}

std::string timelines_section(const v1::RunReport& report) {
  const std::vector<std::string> modes = mode_names(report);
  if (modes.empty()) return "";
  std::string out =
      "<h2>Plot timelines</h2>\n<p class=\"legend\">Each lane is one copy of a report, from "
      "its source to its end, across handoffs (<span class=\"key link\">links</span>, <span "
      "class=\"key queue\">queues and decisions</span>); a thinner lane carries less detail "
      "(sanitised). <span class=\"lost\">✕</span> lost, <span class=\"held\">○</span> still in "
      "flight at the end, <span class=\"warning\">●</span> reached a unit but too thin or too "
      "late, <span class=\"averted\">●</span> actionable in time. Hover a lane for its "
      "hours.</p>\n";
  for (const v1::PlotOutcome& plot : report.modes().at(modes.front()).plots()) {
    out += fmt::format(
        "<figure class=\"timeline\"><figcaption>{}</figcaption>\n<div "
        "class=\"scroll\">{}</div></figure>\n",
        esc(plot.id()), pictures::plot_timeline(report, plot.id()).svg);
  }
  return out;
}

std::string numbers_section(const v1::RunReport& report) {
  std::string out = "<h2 id=\"numbers\">The numbers</h2>\n<h3>Plots</h3>\n" + plot_table(report);
  for (const std::string& name : mode_names(report)) {
    const v1::ModeReport& mode = report.modes().at(name);
    out +=
        fmt::format("<section class=\"mode-numbers\" id=\"mode-{0}\">\n<h2>{0}</h2>\n", esc(name));
    out += messages_paragraph(mode) + exposure_paragraph(mode);
    for (const v1::PlotOutcome& plot : mode.plots()) {
      out += fmt::format("<h3>{}: where its copies ended</h3>\n", esc(plot.id()));
      out += copies_table(plot, name, mode.run().start_iso());
    }
    out += "<h3>Handoffs</h3>\n" + handoff_table(mode, name);
    out +=
        "<details class=\"histograms\"><summary>Delay histograms of every handoff "
        "(scenario time)</summary>\n";
    int drawn = 0;
    for (const v1::Handoff& handoff : mode.handoffs()) {
      const pictures::Picture picture = pictures::histogram(handoff, name);
      if (picture.svg.empty()) continue;
      ++drawn;
      out += fmt::format(
          "<figure class=\"histogram\"><figcaption>{} ({} {})</figcaption>\n{}</figure>\n",
          esc(handoff.name()), pictures::count_text(handoff.delay_h().n()),
          handoff.delay_h().n() == 1 ? "message" : "messages", picture.svg);
    }
    if (drawn == 0) out += "<p>This report has no delay histograms.</p>\n";
    out += "</details>\n";
    const std::string centre = centre_table(mode);
    if (!centre.empty()) out += "<h3>Centre</h3>\n" + centre;
    const std::string faults = faults_table(mode);
    if (!faults.empty()) out += "<h3>Faults</h3>\n" + faults;
    out += "<h3>Nodes</h3>\n" + nodes_table(mode) + "</section>\n";
  }
  return out;
}

constexpr const char* kPageStyle = R"(
body { font-family: sans-serif; font-size: 15px; margin: 1em 2em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin: 1.2em 0 0.4em; }
h3 { font-size: 1.05em; margin: 0.8em 0 0.3em; }
.plot .modes { display: flex; gap: 1.5em; flex-wrap: wrap; }
.plot .mode { flex: 1 1 28em; border: 1px solid #ccc; border-radius: 6px; padding: 0.3em 1em; }
.plot h2 { margin-bottom: 0; } .attack { margin-top: 0.1em; color: #555; }
.verdict { font-size: 1.15em; font-weight: bold; margin: 0.2em 0; }
.verdict.yes, td.yes { color: #070; } .verdict.no, td.no { color: #b00; font-weight: bold; }
.headline { font-weight: bold; } .facts { padding-left: 1.4em; } .facts li { margin: 0.2em 0; }
a.to-row { font-size: 0.85em; color: #36c; }
.mode-tag { display: inline-block; background: #eee; border-radius: 3px; padding: 0 0.4em; }
.legend { color: #444; max-width: 70em; }
.maps { display: flex; gap: 1em; flex-wrap: wrap; align-items: flex-start; }
figure { margin: 0 0 1em 0; } figcaption { font-weight: bold; margin-bottom: 0.3em; }
.scroll { overflow-x: auto; }
figure.histogram { display: inline-block; margin-right: 1.5em; vertical-align: top; }
.key.link { color: #58c; font-weight: bold; } .key.queue { color: #d90; font-weight: bold; }
table.numbers { border-collapse: collapse; margin-bottom: 1em; }
table.numbers td, table.numbers th { border: 1px solid #bbb; padding: 2px 8px; }
table.numbers td.n { text-align: right; } table.numbers td.lost { color: #b00; }
table.numbers tr:target { background: #ffd; }
)";

}  // namespace

std::string report_page(const v1::RunReport& report, const std::vector<explain::Story>& stories,
                        const std::vector<explain::FaultLine>& faults) {
  const std::string title =
      fmt::format("tearline run: {}{}", report.has_scenario() ? report.scenario() : "(no scenario)",
                  report.has_seed() ? fmt::format(", seed {}", report.seed()) : "");
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
      "<title>{0}</title>\n{1}</head>\n<body>\n<h1>{0}</h1>\n<p class=\"modes-line\">Both "
      "worlds on the same intelligence: {2}. Numbers are <a href=\"#numbers\">below</a>.</p>\n",
      esc(title), fmt::format("<style>{}{}</style>\n", kPageStyle, pictures::kPictureStyle),
      esc([&] {
        std::string names;
        for (const std::string& name : mode_names(report))
          names += (names.empty() ? "" : " and ") + name;
        return names;
      }()));
  out += plots_section(report, stories);
  out += faults_section(report, faults);
  out += maps_section(report);
  out += timelines_section(report);
  out += numbers_section(report);
  return out + "</body>\n</html>\n";
}

std::string report_page(const v1::RunReport& report) {
  return report_page(report, explain::explain(report), explain::explain_faults(report));
}

}  // namespace tearline::pages
