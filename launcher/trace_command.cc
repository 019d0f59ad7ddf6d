#include "launcher/trace_command.h"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

namespace tearline {

int trace_command(const TraceCommandOptions& options) {
  const bool wants_target = options.view == "follow" || options.view == "node";
  if (wants_target && options.target.empty()) {
    fmt::print(stderr, "tearline trace: {} needs a {}\n", options.view,
               options.view == "follow" ? "TRACE_ID" : "node NAME");
    return 2;
  }
  if (!wants_target && !options.target.empty()) {
    fmt::print(stderr, "tearline trace: {} takes no further argument\n", options.view);
    return 2;
  }
  std::vector<std::string> warnings;
  std::string text;
  try {
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
