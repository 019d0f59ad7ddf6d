#include "launcher/trace_exports/export_events.h"

#include <algorithm>
#include <fstream>

namespace tearline::trace_exports {
namespace {

using nlohmann::json;

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(std::move(line));
  return lines;
}

double number_or_zero(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The line was already parsed by read_mode(), so it is a JSON object.
Extra extra_of(const std::string& line) {
  Extra extra;
  const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return extra;
  const auto attempt = object.find("attempt");
  if (attempt != object.end() && attempt->is_number_unsigned()) {
    extra.attempt = attempt->get<uint32_t>();
  }
  extra.wait_h = number_or_zero(object, "wait_h");
  extra.service_h = number_or_zero(object, "service_h");
  return extra;
}

}  // namespace

std::vector<ModeEvents> read_run(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::vector<ModeEvents> modes;
  for (const auto& dir : report::find_mode_dirs(run_dir)) {
    ModeEvents mode;
    mode.traces = report::read_mode(dir, warnings);
    std::vector<std::vector<std::string>> lines;
    for (const std::string& file : mode.traces.files) lines.push_back(read_lines(file));
    mode.extras.resize(mode.traces.events.size());
    for (const report::Event& event : mode.traces.events) {
      const auto& file_lines = lines[event.file];
      if (event.line >= 1 && event.line <= file_lines.size()) {
        mode.extras[event.order] = extra_of(file_lines[event.line - 1]);
      }
      if (event.kind == "run" && mode.run.is_null()) mode.run = event.run;
    }
    modes.push_back(std::move(mode));
  }
  return modes;
}

bool split_link(const std::string& handoff, std::string* from, std::string* to) {
  const size_t arrow = handoff.find("->");
  if (arrow == std::string::npos) return false;
  *from = handoff.substr(0, arrow);
  *to = handoff.substr(arrow + 2);
  return true;
}

std::vector<std::string> plot_trace_ids(const std::vector<ModeEvents>& modes) {
  std::vector<std::string> ids;
  for (const ModeEvents& mode : modes) {
    if (!mode.run.is_object() || !mode.run.contains("plots")) continue;
    for (const auto& plot : mode.run["plots"]) {
      if (!plot.is_object() || !plot.contains("trace_ids")) continue;
      for (const auto& id : plot["trace_ids"]) {
        if (id.is_string() && std::find(ids.begin(), ids.end(), id) == ids.end()) {
          ids.push_back(id.get<std::string>());
        }
      }
    }
  }
  return ids;
}

}  // namespace tearline::trace_exports
