// What the scenario tests share: a minimal valid scenario to mutate, files
// to load it from, and the error a load throws. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "scenario/scenario.h"

namespace tearline::scenario_testing {

namespace fs = std::filesystem;

inline std::string source_path(std::string_view relative) {
  return std::string(TEARLINE_SOURCE_DIR) + "/" + std::string(relative);
}

// A valid scenario that the tests below mutate. Keep every marker string the
// cases use unique in it, or first occurrences will be used.
inline constexpr std::string_view kMinimal = R"(# minimal test scenario
[scenario]
name = "minimal"
start = 2017-01-01T00:00:00Z
duration_h = 100

[[agency]]
name = "agency.aa"
desk = { workers = 1, service = { fixed_h = 1 } }
database = { workers = 2, service = { distribution = "exponential", mean_h = 1 } }
policy = { insider = { full_trust_min = 0.9, sanitised_trust_min = 0.3 } }
[[agency.partner]]
agency = "agency.bb"
trust = 0.5
[[agency.source]]
handle = "aa.insider-1"
value = "insider"

[[agency]]
name = "agency.bb"
desk = { workers = 1, service = { fixed_h = 1 } }
database = { workers = 1, service = { fixed_h = 1 } }
policy = {}

[broker]
officers = { workers = 1, service = { fixed_h = 1 } }

[[unit]]
name = "unit.north"
agency = "agency.aa"
area = "north"
response_h = 24
intake = { workers = 1, service = { fixed_h = 1 } }

[link_default]
delay = { fixed_h = 2 }

[[link]]
from = "agency.aa"
to = "agency.bb"
delay = { fixed_h = 24, distribution = "lognormal", median_h = 12, sigma = 0.5 }
loss = { probability = 0.05, reason = "liaison-loss" }

[[plot]]
id = "plot.north"
area = "north"
site = "station"
attack_h = 90

[[report]]
id = "aa-1"
agency = "agency.aa"
source = "aa.insider-1"
plot = "plot.north"
at_h = 10
subject = "subject-n"
window = { start_h = 80, end_h = 95 }
credibility = "B2"
severity = "high"
tlp = "amber"
)";

// kMinimal with the first occurrence of `from` replaced by `to`.
inline std::string mutated(std::string_view from, std::string_view to) {
  std::string text(kMinimal);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "marker not in kMinimal: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// 1-based line of the first occurrence of `marker` in `text`, 0 if absent.
inline size_t line_of(const std::string& text, std::string_view marker) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return 0;
  return 1 +
         static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// A file under the test temp directory, named after the running test, removed
// when the object goes.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& text) {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(test->test_suite_name()) + "." + test->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = testing::TempDir() + "tearline_scenario_" + name + ".toml";
    std::ofstream(path_) << text;
  }
  ~ScratchFile() { fs::remove(path_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline Scenario load_text(const std::string& text) {
  const ScratchFile file(text);
  return load_scenario(file.path());
}

// The message of the ScenarioError that loading `path` throws, "" if none.
inline std::string load_error(const std::string& path) {
  try {
    load_scenario(path);
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "";
}

}  // namespace tearline::scenario_testing
