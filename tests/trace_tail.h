// Watching a live run from a test through its trace files: how far a node
// has got in scenario time, and the hour each node stopped at.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace tearline::testing {

// The latest scenario hour among the last complete lines of a trace file
// (nodes write theirs after each window), or nullopt when it has none yet.
std::optional<double> traced_hour(const std::filesystem::path& trace_file);

// Waits until traced_hour(trace_file) reaches at_h, re-reading every 2 ms;
// false if it has not by `timeout`.
bool await_traced_hour(const std::filesystem::path& trace_file, double at_h,
                       std::chrono::seconds timeout);

// By node, the hour of the last "node_stopped" its own trace file in
// mode_dir holds (the launcher's file left out).
std::map<std::string, double> stop_hours(const std::filesystem::path& mode_dir);

}  // namespace tearline::testing
