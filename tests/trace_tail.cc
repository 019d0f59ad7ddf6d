#include "tests/trace_tail.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace tearline::testing {

namespace fs = std::filesystem;

std::optional<double> traced_hour(const fs::path& trace_file) {
  constexpr std::streamoff kTailBytes = 8192;
  std::ifstream in(trace_file, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  in.seekg(std::max<std::streamoff>(0, size - kTailBytes));
  std::stringstream tail;
  tail << in.rdbuf();
  std::optional<double> latest;
  std::string line;
  while (std::getline(tail, line)) {
    // A line cut at the start of the tail, or still being written, is not
    // valid JSON: skipped.
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("t_h") || !event["t_h"].is_number()) continue;
    latest = std::max(latest.value_or(0.0), event["t_h"].get<double>());
  }
  return latest;
}

bool await_traced_hour(const fs::path& trace_file, double at_h, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (traced_hour(trace_file).value_or(0) >= at_h) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

std::map<std::string, double> stop_hours(const fs::path& mode_dir) {
  std::map<std::string, double> hours;
  for (const auto& entry : fs::directory_iterator(mode_dir)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".trace.jsonl";
    if (name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
    if (name == "launcher.trace.jsonl" || name == "faults.trace.jsonl") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("\"node_stopped\"") == std::string::npos) continue;
      const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_object() && event.value("kind", "") == "node_stopped") {
        hours[event.value("node", "")] = event.value("t_h", -1.0);
      }
    }
  }
  return hours;
}

}  // namespace tearline::testing
