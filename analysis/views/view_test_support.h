// Helpers for the trace view tests: the checked-in recorded run and its
// golden outputs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "analysis/views/trace_views.h"

namespace tearline::trace_views::testing {

inline TraceFilter by_mode(std::string mode) {
  TraceFilter filter;
  filter.mode = std::move(mode);
  return filter;
}
inline TraceFilter by_node(std::string node) {
  TraceFilter filter;
  filter.node = std::move(node);
  return filter;
}
inline TraceFilter by_plot(std::string plot) {
  TraceFilter filter;
  filter.plot = std::move(plot);
  return filter;
}
inline TraceFilter by_window(double from_h, double to_h) {
  TraceFilter filter;
  filter.from_h = from_h;
  filter.to_h = to_h;
  return filter;
}

inline std::filesystem::path recorded_run() {
  return std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/recorded-run";
}
// The same scenario with faults: losses, lost attempts, a crash.
inline std::filesystem::path recorded_faulty_run() {
  return std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/recorded-faulty-run";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Compares `actual` with tests/data/golden/trace_views/<name>.txt. With the
// environment variable TEARLINE_UPDATE_GOLDEN=1 it rewrites the golden file
// instead (then review the diff before committing it).
inline void expect_golden(const std::string& name, const std::string& actual) {
  const auto path = std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/golden/trace_views" /
                    (name + ".txt");
  const char* update = std::getenv("TEARLINE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    write_text(path, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::is_regular_file(path))
      << path << " is missing; run with TEARLINE_UPDATE_GOLDEN=1 to write it";
  EXPECT_EQ(actual, read_text(path)) << "differs from " << path;
}

inline size_t longest_line(const std::string& text) {
  size_t longest = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) longest = std::max(longest, line.size());
  return longest;
}

}  // namespace tearline::trace_views::testing

namespace tearline::trace_views::testing {

// A copy of a recorded run (by default recorded_run()) in a fresh temp
// directory, removed by the destructor.
class RunCopy {
 public:
  explicit RunCopy(const std::string& name, const std::filesystem::path& source = recorded_run())
      : dir_(std::filesystem::temp_directory_path() /
             (name + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
              std::to_string(reinterpret_cast<uintptr_t>(this)))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(source, dir_, std::filesystem::copy_options::recursive);
  }
  ~RunCopy() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  RunCopy(const RunCopy&) = delete;
  RunCopy& operator=(const RunCopy&) = delete;

  std::string dir() const { return dir_.string(); }
  std::filesystem::path file(const std::string& mode, const std::string& node) const {
    return dir_ / mode / (node + ".trace.jsonl");
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace tearline::trace_views::testing
