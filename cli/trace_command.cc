#include "cli/trace_command.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "launcher/file_modes.h"
#include "analysis/pages/report_page.h"
#include "analysis/report/report.h"
#include "analysis/exports/trace_exports.h"

namespace tearline {

namespace {

namespace fs = std::filesystem;

// Writes `path` through write(): a file whole or not at all (into
// "<path>.partial", renamed once complete), so a cut export never looks
// complete; a pipe or a device (/dev/stdout) is written into, never replaced.
// Returns the error ("cannot write PATH: why"), or "" with *bytes set.
std::string write_streamed(const std::string& path, const std::function<void(std::ostream&)>& write,
                           size_t* bytes) {
  std::error_code ignored;
  const bool special = fs::exists(path, ignored) && !fs::is_regular_file(path, ignored);
  const std::string target = special ? path : path + ".partial";
  std::string why;
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    try {
      if (out) write(out);
    } catch (...) {
      out.close();
      if (!special) fs::remove(target, ignored);
      throw;
    }
    out.flush();
    if (!out) why = std::strerror(errno);
    *bytes = out ? static_cast<size_t>(out.tellp()) : 0;
  }
  if (why.empty() && !special) {
    std::error_code error;
    fs::rename(target, path, error);
    if (error) why = error.message();
  }
  if (!why.empty() && !special) fs::remove(target, ignored);
  return why.empty() ? "" : "cannot write " + path + ": " + why;
}

// Writes each asked-for export; false (with a message) if one fails.
bool write_exports(const TraceCommandOptions& options, std::vector<std::string>* warnings) {
  const std::string& run = options.run_dir;
  const std::vector<std::pair<std::string, std::function<void(std::ostream&)>>> exports = {
      {options.perfetto_path, [&](std::ostream& out) { export_perfetto(run, out, warnings); }},
      {options.perfetto_proto_path,
       [&](std::ostream& out) { export_perfetto_proto(run, out, warnings); }},
      {options.mermaid_path,
       [&](std::ostream& out) { out << export_mermaid(run, options.mermaid_trace_ids, warnings); }},
      {options.html_path,
       [&](std::ostream& out) { out << pages::report_page(build_report(run, warnings)); }}};
  for (const auto& [path, write] : exports) {
    if (path.empty()) continue;
    size_t bytes = 0;
    const std::string error = write_streamed(path, write, &bytes);
    if (!error.empty()) {
      fmt::print(stderr, "tearline trace: {}\n", error);
      return false;
    }
    fmt::print(stderr, "tearline trace: wrote {} ({} bytes)\n", path, bytes);
  }
  if (!options.otlp_path.empty()) {
    std::vector<std::pair<std::string, size_t>> files;
    try {
      files = export_otlp(run, options.otlp_path, kOtlpFileBytesMax, warnings);
    } catch (const std::runtime_error& error) {
      fmt::print(stderr, "tearline trace: {}\n", error.what());
      return false;
    }
    for (const auto& [path, bytes] : files) {
      fmt::print(stderr, "tearline trace: wrote {} ({} bytes)\n", path, bytes);
    }
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
