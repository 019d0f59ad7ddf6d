// What the durability and failover tests share: runs of one scenario at
// --scale 0 with one key set, and trace lines compared without their wall
// times.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/child.h"

namespace tearline::testing {

// A trace file's lines without their wall-clock times.
inline std::string without_wall_ms(const std::filesystem::path& trace) {
  static const std::regex wall(R"("wall_ms":-?\d+,?)");
  return std::regex_replace(slurp(trace), wall, "");
}

// How many times `needle` occurs in `text`.
inline int occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The pid of the process that hosts the centre "broker" now (nodes.json:
// the broker, or the member named by its hosted_by), or 0.
inline pid_t centre_pid(const std::filesystem::path& mode_dir) {
  nlohmann::json nodes;
  try {
    nodes = read_json(mode_dir / "nodes.json");
  } catch (const std::exception&) {
    return 0;  // Being written.
  }
  std::string host = "broker";
  for (const auto& node : nodes["nodes"]) {
    if (node["name"] == "broker" && node.contains("hosted_by")) host = node["hosted_by"];
  }
  for (const auto& node : nodes["nodes"]) {
    if (node["name"] == host) return node["pid"].get<pid_t>();
  }
  return 0;
}

// The centre's starts so far: node_started lines in its members' traces.
inline int centre_starts(const std::filesystem::path& mode_dir) {
  int starts = 0;
  for (const char* member : {"broker", "broker.b"}) {
    starts +=
        occurrences(slurp(mode_dir / (std::string(member) + ".trace.jsonl")), "\"node_started\"");
  }
  return starts;
}

// SIGKILLs the process hosting the centre of the live run in `mode_dir`,
// `times` times, each once the centre is up again in a process not killed
// yet, at a random moment 0-120 ms later (drawn from `seed`). Returns how
// many it killed: fewer if the run ended or the centre did not come back.
inline int kill_centre_from_outside(const std::filesystem::path& mode_dir, int times,
                                    uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> moment_ms(0, 120);
  pid_t last_killed = 0;
  int kills = 0;
  for (; kills < times; ++kills) {
    pid_t pid = 0;
    const bool up = eventually(
        [&] {
          pid = centre_pid(mode_dir);
          return centre_starts(mode_dir) == kills + 1 && pid != 0 && pid != last_killed &&
                 process_alive(pid);
        },
        std::chrono::seconds(30));
    if (!up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(moment_ms(random)));  // The moment.
    if (kill(pid, SIGKILL) != 0) break;
    last_killed = pid;
  }
  return kills;
}

class CoordinatedRuns : public ::testing::Test {
 protected:
  // The test's key set, made for `scenario` on first use.
  std::filesystem::path keys(const std::filesystem::path& scenario) {
    const std::filesystem::path keys = dir_.path() / "keys";
    if (!std::filesystem::exists(keys)) {
      const Finished made = run_tearline({"keys", scenario.string(), keys.string()}, dir_.path());
      EXPECT_EQ(made.exit_code, 0) << made.err;
    }
    return keys;
  }

  // The coordinated mode at --scale 0, into <dir>/<name>; expects exit 0.
  std::filesystem::path run(const std::filesystem::path& scenario, const std::string& name,
                            std::vector<std::string> options = {}) {
    return run_modes(scenario, name, {"--mode", "coordinated"}, std::move(options));
  }

  // Both modes, at --scale 0, with the test's keys.
  std::filesystem::path run_both_modes(const std::filesystem::path& scenario,
                                       const std::string& name,
                                       std::vector<std::string> options = {}) {
    return run_modes(scenario, name, {}, std::move(options));
  }

  TempDir dir_;

 private:
  std::filesystem::path run_modes(const std::filesystem::path& scenario, const std::string& name,
                                  std::vector<std::string> modes,
                                  std::vector<std::string> options) {
    const std::filesystem::path out = dir_.path() / name;
    std::vector<std::string> args = {"run",    scenario.string(),       "--quiet", "--scale",   "0",
                                     "--keys", keys(scenario).string(), "--out",   out.string()};
    args.insert(args.end(), modes.begin(), modes.end());
    args.insert(args.end(), options.begin(), options.end());
    const Finished finished = run_tearline(args, dir_.path(), std::chrono::seconds(240));
    EXPECT_EQ(finished.exit_code, 0) << name << ": " << finished.err;
    return out;
  }
};

}  // namespace tearline::testing
