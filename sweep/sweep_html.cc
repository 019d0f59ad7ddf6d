#include "sweep/sweep_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "base/html_escape.h"
#include "sweep/sweep_results.h"

namespace tearline::sweep {
namespace {

// The rows with a report, as pointers into the results.
using Rows = std::vector<const v1::SweepRow*>;

constexpr double kZ = 1.959963984540054;  // The normal quantile of 97.5%.
constexpr int kChartWidth = 560;
constexpr int kChartHeight = 240;
constexpr int kLeft = 56;    // Room for the y axis' labels.
constexpr int kBottom = 44;  // Room for the x axis' labels.
constexpr int kTop = 16;

std::string esc(const std::string& text) { return html_escape(text); }

const char* colour_of(const std::string& mode) {
  return mode == "bilateral" ? "#b03a2e" : mode == "coordinated" ? "#1f618d" : "#555";
}

std::vector<std::string> strings_of(const google::protobuf::RepeatedPtrField<std::string>& list) {
  return {list.begin(), list.end()};
}

// Whether `plot` was averted in `row`.
bool averted_in(const v1::SweepRow& row, const std::string& plot) {
  const auto found = row.plots().find(plot);
  return found != row.plots().end() && found->second.averted();
}

// The lead time of `plot` in `row`, when it was averted.
std::optional<double> lead_h_of(const v1::SweepRow& row, const std::string& plot) {
  const auto found = row.plots().find(plot);
  if (found == row.plots().end() || !found->second.has_lead_h()) return std::nullopt;
  return found->second.lead_h();
}

// What the rows say of one plot: per (mode, parameter value) counts.
struct Share {
  int averted = 0;
  int runs = 0;
};

std::string svg_open(const std::string& klass, const std::string& data, int height) {
  return fmt::format(
      "<svg class=\"{}\" {} xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\">\n",
      klass, data, kChartWidth, height, kChartWidth, height);
}

// The y axis from 0 to `top` with `ticks` labels formatted by `label`.
template <typename Label>
std::string y_axis(double top, int ticks, int height, const Label& label) {
  std::string out;
  const int plot_height = height - kTop - kBottom;
  for (int i = 0; i <= ticks; ++i) {
    const double value = top * i / ticks;
    const double y = kTop + plot_height * (1 - static_cast<double>(i) / ticks);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"11\">{}</text>\n",
        kLeft, y, kChartWidth - 8, y, kLeft - 6, y + 4, label(value));
  }
  return out;
}

// The width of each value's column.
double slot_width(const std::vector<std::string>& values) {
  return static_cast<double>(kChartWidth - kLeft - 8) / static_cast<double>(values.size());
}

// The middle of column `index`.
double column_centre(const std::vector<std::string>& values, size_t index) {
  return kLeft + slot_width(values) * (static_cast<double>(index) + 0.5);
}

// Where the `index`th of `count` marks sits beside the column's middle, in
// steps of one.
double beside(size_t index, size_t count) {
  return static_cast<double>(index) - static_cast<double>(count - 1) / 2.0;
}

// Each value's label under its column.
std::string x_labels(const std::vector<std::string>& values, int height) {
  std::string out;
  for (size_t v = 0; v < values.size(); ++v) {
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{}</text>\n",
        column_centre(values, v), height - kBottom + 16, esc(values[v]));
  }
  return out;
}

std::string legend(const std::vector<std::string>& modes, int height) {
  std::string out;
  int x = kLeft;
  for (const std::string& mode : modes) {
    out += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "font-size=\"11\">{}</text>\n",
        x, height - 8, colour_of(mode), x + 8, height - 4, esc(mode));
    x += 110;
  }
  return out;
}

// The share averted of `plot` against the values of `parameter`, per mode.
std::string averted_chart(const std::string& plot, const std::string& parameter,
                          const std::vector<std::string>& values,
                          const std::vector<std::string>& modes,
                          const std::map<std::pair<std::string, std::string>, Share>& shares) {
  const int height = kChartHeight;
  const int plot_height = height - kTop - kBottom;
  std::string out = svg_open(
      "averted", fmt::format("data-plot=\"{}\" data-parameter=\"{}\"", esc(plot), esc(parameter)),
      height);
  out += y_axis(1.0, 4, height, [](double value) { return fmt::format("{:.0f}%", value * 100); });
  const double slot = slot_width(values);
  out += x_labels(values, height);
  for (size_t v = 0; v < values.size(); ++v) {
    const double centre = column_centre(values, v);
    for (size_t m = 0; m < modes.size(); ++m) {
      const auto found = shares.find({modes[m], values[v]});
      const Share share = found == shares.end() ? Share{} : found->second;
      const double x = centre + beside(m, modes.size()) * std::min(18.0, slot / 4);
      const auto to_y = [&](double p) { return kTop + plot_height * (1 - p); };
      const auto [low, high] = wilson_interval(share.averted, share.runs);
      const double p = share.runs ? static_cast<double>(share.averted) / share.runs : 0;
      out += fmt::format(
          "<g class=\"share\" data-mode=\"{}\" data-value=\"{}\" data-averted=\"{}\" "
          "data-runs=\"{}\"><title>{}, {} = {}: {} of {} averted ({:.0f}%, 95% interval "
          "{:.0f}-{:.0f}%)</title>"
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
          "stroke-width=\"2\"/>",
          esc(modes[m]), esc(values[v]), share.averted, share.runs, esc(modes[m]), esc(parameter),
          esc(values[v]), share.averted, share.runs, p * 100, low * 100, high * 100, x, to_y(low),
          x, to_y(high), colour_of(modes[m]));
      if (share.runs > 0) {
        out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/>", x, to_y(p),
                           colour_of(modes[m]));
      }
      out += "</g>\n";
    }
  }
  out += legend(modes, height);
  return out + "</svg>\n";
}

// Lead times of the runs in which `plot` was averted, against the values of
// the first parameter (or all together), per mode.
std::string lead_chart(const std::string& plot, const std::string& parameter,
                       const std::vector<std::string>& values,
                       const std::vector<std::string>& modes, const Rows& rows) {
  double top = 1;
  for (const v1::SweepRow* row : rows) {
    if (const std::optional<double> lead_h = lead_h_of(*row, plot)) top = std::max(top, *lead_h);
  }
  top = std::ceil(top / 24) * 24;  // Whole days.
  const int height = kChartHeight;
  const int plot_height = height - kTop - kBottom;
  std::string out = svg_open("lead", fmt::format("data-plot=\"{}\"", esc(plot)), height);
  out += y_axis(top, 4, height, [](double value) { return fmt::format("{:.0f} h", value); });
  const double slot = slot_width(values);
  out += x_labels(values, height);
  std::map<std::pair<size_t, size_t>, int> placed;  // Spreads dots of one column.
  for (const v1::SweepRow* row : rows) {
    const std::optional<double> lead_h = lead_h_of(*row, plot);
    if (!lead_h) continue;
    const std::string& mode = row->mode();
    const size_t m = std::find(modes.begin(), modes.end(), mode) - modes.begin();
    size_t v = 0;
    if (!parameter.empty()) {
      const std::string value = value_of(*row, parameter);
      v = std::find(values.begin(), values.end(), value) - values.begin();
      if (v == values.size()) continue;
    }
    const int nth = placed[{v, m}]++;
    const double x =
        column_centre(values, v) + beside(m, modes.size()) * slot / 4 + ((nth % 5) - 2) * 2.0;
    const double y = kTop + plot_height * (1 - *lead_h / top);
    out += fmt::format(
        "<circle class=\"lead\" data-mode=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" "
        "fill-opacity=\"0.6\"><title>{}, seed {}: {:.1f} h</title></circle>\n",
        esc(mode), x, y, colour_of(mode), esc(mode), row->seed(), *lead_h);
  }
  out += legend(modes, height);
  return out + "</svg>\n";
}

// Mean messages lost per run, by reason, per mode.
std::string losses_chart(const std::vector<std::string>& modes, const Rows& rows) {
  std::map<std::string, std::map<std::string, double>> lost;  // reason -> mode -> total
  std::map<std::string, int> runs;
  for (const v1::SweepRow* row : rows) {
    ++runs[row->mode()];
    for (const auto& [reason, count] : row->lost_by_reason()) lost[reason][row->mode()] += count;
  }
  if (lost.empty()) return "<p>No message was lost in any run.</p>\n";
  double top = 1;
  for (const auto& [reason, by_mode] : lost) {
    for (const auto& [mode, total] : by_mode) top = std::max(top, total / std::max(1, runs[mode]));
  }
  const int bar = 12;
  const int height = kTop + static_cast<int>(lost.size() * modes.size()) * (bar + 2) +
                     static_cast<int>(lost.size()) * 8 + 28;
  const int label_width = 200;
  std::string out = svg_open("losses", "", height);
  int y = kTop;
  for (const auto& [reason, by_mode] : lost) {
    out += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>\n", y + bar, esc(reason));
    for (const std::string& mode : modes) {
      const double mean = by_mode.count(mode) ? by_mode.at(mode) / std::max(1, runs[mode]) : 0;
      const double width = (kChartWidth - label_width - 60) * mean / top;
      out += fmt::format(
          "<rect class=\"loss\" data-reason=\"{}\" data-mode=\"{}\" x=\"{}\" y=\"{}\" "
          "width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{}\" "
          "font-size=\"10\">{:.1f}</text>\n",
          esc(reason), esc(mode), label_width, y, width, bar, colour_of(mode),
          label_width + width + 4, y + bar - 2, mean);
      y += bar + 2;
    }
    y += 8;
  }
  out += legend(modes, height);
  return out + "</svg>\n";
}

}  // namespace

std::pair<double, double> wilson_interval(int averted, int runs) {
  if (runs <= 0) return {0, 1};
  const double n = runs;
  const double p = averted / n;
  const double z2 = kZ * kZ;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = kZ * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::string sweep_html(const v1::SweepResults& sweep) {
  const std::vector<std::string> modes = strings_of(sweep.modes());
  const auto& parameters = sweep.parameters();
  Rows rows;
  std::set<std::string> plots;
  for (const v1::SweepRow& row : sweep.rows()) {
    if (!row.has_messages()) continue;  // A run without a report.
    rows.push_back(&row);
    for (const auto& [plot, outcome] : row.plots()) plots.insert(plot);
  }
  const std::string name = sweep.scenario().empty() ? "?" : sweep.scenario();
  std::string out = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>tearline sweep: {}</title>\n<style>body{{font-family:sans-serif;margin:2em;"
      "max-width:70em}}figure{{display:inline-block;margin:0 1em 1em 0}}figcaption{{"
      "font-size:12px;color:#444}}table{{border-collapse:collapse}}td,th{{border:1px solid "
      "#ccc;padding:2px 6px;font-size:12px;text-align:right}}</style></head><body>\n"
      "<h1>Sweep of {}</h1>\n",
      esc(name), esc(name));
  std::string described;
  for (const v1::SweepParameter& parameter : parameters) {
    described +=
        fmt::format("{}<code>{}</code> = {}", described.empty() ? "" : "; ", esc(parameter.path()),
                    esc(fmt::format("{}", fmt::join(parameter.values(), ", "))));
  }
  out +=
      fmt::format("<p>{} rows (runs x modes) with a report; seeds: {}; modes: {}. {}</p>\n",
                  rows.size(), sweep.seeds_size(), esc(fmt::format("{}", fmt::join(modes, ", "))),
                  parameters.empty() ? "No parameter varied." : "Parameters: " + described + ".");

  out +=
      "<h2>Plots averted</h2>\n<p>The share of runs in which each plot was averted, with "
      "its 95% Wilson interval, against each parameter's values (over every seed and every "
      "value of the other parameters); the modes side by side.</p>\n";
  // Without parameters, one axis of one value: every run.
  std::vector<v1::SweepParameter> axes(parameters.begin(), parameters.end());
  if (axes.empty()) axes.emplace_back().add_values("all runs");
  for (const std::string& plot : plots) {
    out += fmt::format("<h3>{}</h3>\n", esc(plot));
    for (const v1::SweepParameter& parameter : axes) {
      const std::string& path = parameter.path();
      const std::vector<std::string> values = strings_of(parameter.values());
      std::map<std::pair<std::string, std::string>, Share> shares;
      for (const v1::SweepRow* row : rows) {
        const std::string value = path.empty() ? "all runs" : value_of(*row, path);
        Share& share = shares[{row->mode(), value}];
        share.averted += averted_in(*row, plot) ? 1 : 0;
        ++share.runs;
      }
      out += "<figure>" + averted_chart(plot, path, values, modes, shares) +
             fmt::format("<figcaption>{} averted, by {}</figcaption></figure>\n", esc(plot),
                         path.empty() ? "run" : "<code>" + esc(path) + "</code>");
    }
  }

  out +=
      "<h2>Lead time</h2>\n<p>Hours of warning before the attack in each run that averted "
      "it";
  const std::string first = parameters.empty() ? "" : parameters[0].path();
  out += first.empty() ? ".</p>\n" : fmt::format(", by <code>{}</code>.</p>\n", esc(first));
  const std::vector<std::string> first_values = parameters.empty()
                                                    ? std::vector<std::string>{"all runs"}
                                                    : strings_of(parameters[0].values());
  for (const std::string& plot : plots) {
    out +=
        "<figure>" + lead_chart(plot, first, first_values, modes, rows) +
        fmt::format("<figcaption>{}: lead time of averted runs</figcaption></figure>\n", esc(plot));
  }

  out += "<h2>Losses by reason</h2>\n<p>Messages lost per run, on average, by reason.</p>\n";
  out += "<figure>" + losses_chart(modes, rows) + "</figure>\n";

  out += "<h2>Every point</h2>\n<table><tr><th>point</th>";
  for (const v1::SweepParameter& parameter : parameters) {
    out += "<th>" + esc(parameter.path()) + "</th>";
  }
  out += "<th>mode</th><th>plot</th><th>averted</th><th>95% interval</th></tr>\n";
  std::map<std::tuple<uint32_t, std::string, std::string>, Share> by_point;
  std::map<uint32_t, const v1::SweepRow*> point_rows;  // A row of each point, for its values.
  for (const v1::SweepRow* row : rows) {
    for (const std::string& plot : plots) {
      Share& share = by_point[{row->point(), row->mode(), plot}];
      share.averted += averted_in(*row, plot) ? 1 : 0;
      ++share.runs;
    }
    point_rows[row->point()] = row;
  }
  for (const auto& [key, share] : by_point) {
    const auto& [point, mode, plot] = key;
    const auto [low, high] = wilson_interval(share.averted, share.runs);
    out += fmt::format("<tr><td>{}</td>", point);
    for (const v1::SweepParameter& parameter : parameters) {
      out += "<td>" + esc(value_of(*point_rows.at(point), parameter.path())) + "</td>";
    }
    out += fmt::format("<td>{}</td><td>{}</td><td>{} / {}</td><td>{:.0f}-{:.0f}%</td></tr>\n",
                       esc(mode), esc(plot), share.averted, share.runs, low * 100, high * 100);
  }
  return out + "</table>\n</body></html>\n";
}

}  // namespace tearline::sweep
