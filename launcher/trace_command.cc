#include "launcher/trace_command.h"

#include <fmt/format.h>

#include <functional>
#include <stdexcept>
#include <vector>

#include "common/whole_file.h"
#include "launcher/file_modes.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline {

namespace {

// Writes each asked-for export; false (with a message) if one fails.
bool write_exports(const TraceCommandOptions& options, std::vector<std::string>* warnings) {
  const std::vector<std::pair<std::string, std::function<std::string()>>> exports = {
      {options.perfetto_path, [&] { return export_perfetto(options.run_dir, warnings); }},
      {options.otlp_path, [&] { return export_otlp(options.run_dir, warnings); }},
      {options.mermaid_path,
       [&] { return export_mermaid(options.run_dir, options.mermaid_trace_ids, warnings); }},
      {options.html_path,
       [&] { return export_html(options.run_dir, options.mermaid_trace_ids, warnings); }}};
  for (const auto& [path, make] : exports) {
    if (path.empty()) continue;
    const std::string content = make();
    // Whole or not at all: a cut export never looks complete.
    if (const std::string error = write_whole_file(path, content); !error.empty()) {
      fmt::print(stderr, "tearline trace: {}\n", error);
      return false;
    }
    fmt::print(stderr, "tearline trace: wrote {} ({} bytes)\n", path, content.size());
  }
  return true;
}

}  // namespace

int trace_command(const TraceCommandOptions& options) {
  const bool wants_target = options.view == "follow" || options.view == "node";
  if (wants_target && options.target.empty()) {
    fmt::print(stderr, "tearline trace: {} needs a {}\n", options.view,
               options.view == "follow" ? "TRACE_ID" : "node NAME");
    return 2;
  }
  if (!wants_target && !options.target.empty()) {
    fmt::print(stderr, "tearline trace: {} takes no further argument\n",
               options.view.empty() ? "exporting" : options.view);
    return 2;
  }
  // An export into a run folder holds what its traces do.
  create_private_files(options.group_readable);
  std::vector<std::string> warnings;
  std::string text;
  try {
    if (!write_exports(options, &warnings)) return 1;
    if (options.view == "summary") text = trace_summary(options.run_dir, options.filter, &warnings);
    if (options.view == "follow") {
      text = trace_follow(options.run_dir, options.target, options.filter, &warnings);
    }
    if (options.view == "lost") {
      text = trace_lost(options.run_dir, options.reason, options.filter, &warnings);
    }
    if (options.view == "node") {
      text = trace_node(options.run_dir, options.target, options.filter, &warnings);
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "tearline trace: {}\n", error.what());
    return 2;
  }
  for (const std::string& warning : warnings) fmt::print(stderr, "tearline trace: {}\n", warning);
  fmt::print("{}", text);
  return 0;
}

}  // namespace tearline
