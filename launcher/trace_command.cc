#include "launcher/trace_command.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "common/whole_file.h"
#include "launcher/file_modes.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline {

namespace {

namespace fs = std::filesystem;

// Returns the error ("cannot write PATH: why"), or "" when written.
std::string write_in_place(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  return out ? "" : "cannot write " + path + ": " + std::strerror(errno);
}

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
    // A file is written whole or not at all, so a cut export never looks
    // complete; a pipe or a device (/dev/stdout) is written into, never
    // replaced.
    std::error_code ignored;
    const bool special = fs::exists(path, ignored) && !fs::is_regular_file(path, ignored);
    const std::string error =
        special ? write_in_place(path, content) : write_whole_file(path, content);
    if (!error.empty()) {
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
      // Written as it is made: a run can lose most of its messages.
      trace_lost(options.run_dir, options.reason, options.filter, &warnings, &std::cout);
    }
    if (options.view == "node") {
      // Written as it is made: a node's table can be as long as the run.
      trace_node(options.run_dir, options.target, options.filter, &warnings, &std::cout);
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
