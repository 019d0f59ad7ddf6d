#include "cli/live_run.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace tearline {
namespace fs = std::filesystem;

const LiveNode* LiveRun::node(const std::string& name) const {
  for (const LiveNode& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

bool process_running(pid_t pid) {
  if (pid <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close_paren = text.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < text.size() &&
         text[close_paren + 2] != 'Z';
}

namespace {

std::optional<LiveRun> read_mode(const fs::path& mode_dir) {
  std::ifstream in((mode_dir / "nodes.json").string());
  if (!in) return std::nullopt;
  const nlohmann::json file = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!file.is_object() || !file.contains("nodes") || !file.value("live", false)) {
    return std::nullopt;
  }
  LiveRun run;
  run.mode = file.value("mode", mode_dir.filename().string());
  run.mode_dir = mode_dir.string();
  run.launcher_pid = file.value("launcher_pid", -1);
  run.launcher_control_endpoint = file.value("launcher_control", "");
  run.launcher_public_key = file.value("launcher_public_key", "");
  run.keys_dir = file.value("keys_dir", "");
  for (const auto& node : file["nodes"]) {
    if (!node.is_object()) return std::nullopt;
    run.nodes.push_back({node.value("name", ""), node.value("role", ""), node.value("pid", -1),
                         node.value("control", ""), node.value("public_key", ""),
                         node.value("hosted_by", ""), node.value("slurm_job", ""),
                         node.value("slurm_step", "")});
  }
  return run;
}

}  // namespace

LiveRun find_live_run(const std::string& run_dir, const std::string& mode) {
  if (!fs::is_directory(run_dir)) throw NotLive(run_dir + " is not a run directory");
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    if (!entry.is_directory()) continue;
    if (!mode.empty() && entry.path().filename() != mode) continue;
    std::optional<LiveRun> run = read_mode(entry.path());
    if (run && process_running(run->launcher_pid)) return *run;
  }
  throw NotLive("the run in " + run_dir + (mode.empty() ? "" : " (mode " + mode + ")") +
                " is not live: no launcher is running it");
}

}  // namespace tearline
