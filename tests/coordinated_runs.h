// What the durability and failover tests share: runs of one scenario at
// --scale 0 with one key set, and trace lines compared without their wall
// times.
#pragma once

#include <gtest/gtest.h>

#include <regex>
#include <string>
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
