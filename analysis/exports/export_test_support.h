// Shared by the trace export tests: the recorded run and golden files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tearline::trace_exports {

inline std::string recorded_run() { return TEARLINE_SOURCE_DIR "/tests/data/recorded-run"; }
// The same scenario with faults: losses, lost attempts, a crash.
inline std::string recorded_faulty_run() {
  return TEARLINE_SOURCE_DIR "/tests/data/recorded-faulty-run";
}

// Compares `content` with tests/data/golden/trace_exports/<name>. With the
// environment variable TEARLINE_UPDATE_GOLDEN=1 set, the golden file is
// rewritten instead (then review the diff before committing it).
inline void expect_golden(const std::string& name, const std::string& content) {
  const std::string path = TEARLINE_SOURCE_DIR "/tests/data/golden/trace_exports/" + name;
  const char* update = std::getenv("TEARLINE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << content;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing; run with TEARLINE_UPDATE_GOLDEN=1 to write it";
  std::ostringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(golden.str(), content)
      << "differs from " << path << "; if intended, rerun with TEARLINE_UPDATE_GOLDEN=1";
}

// A fresh directory for one test, removed when it goes out of scope.
class TempRun {
 public:
  TempRun() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("tearline-exports-") + test->test_suite_name() + "-" + test->name() + "-" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempRun() { std::filesystem::remove_all(path_); }
  TempRun(const TempRun&) = delete;
  TempRun& operator=(const TempRun&) = delete;

  std::string path() const { return path_.string(); }
  // Copies one mode of the recorded run.
  void copy_mode(const std::string& mode) const {
    std::filesystem::copy(recorded_run() + "/" + mode, path_ / mode);
  }
  // Writes <mode>/<node>.trace.jsonl (replacing it).
  void write(const std::string& mode, const std::string& node, const std::string& lines) const {
    std::filesystem::create_directories(path_ / mode);
    std::ofstream(path_ / mode / (node + ".trace.jsonl"), std::ios::binary) << lines;
  }
  // Appends to <mode>/<node>.trace.jsonl.
  void append(const std::string& mode, const std::string& node, const std::string& lines) const {
    std::ofstream(path_ / mode / (node + ".trace.jsonl"), std::ios::binary | std::ios::app)
        << lines;
  }

 private:
  std::filesystem::path path_;
};

// A one-mode run in which agency.aa's report is lost on the link to unit.north.
inline void write_lost_run(const TempRun& run) {
  run.write(
      "bilateral", "launcher",
      R"({"wall_ms":"1000","t_h":0,"node":"launcher","kind":"run","run":{"ms_per_scenario_hour":8.0,"plots":[{"id":"p","trace_ids":["aa-1"]}]}})"
      "\n");
  run.write(
      "bilateral", "agency.aa",
      R"({"wall_ms":"1008","t_h":1,"node":"agency.aa","kind":"created","msg":"aa-1","trace":"aa-1","handoff":"source@agency.aa"})"
      "\n"
      R"({"wall_ms":"1016","t_h":2,"node":"agency.aa","kind":"created","msg":"aa-1>unit.north","trace":"aa-1","parent":"aa-1","handoff":"poll@agency.aa"})"
      "\n"
      R"({"wall_ms":"1016","t_h":2,"node":"agency.aa","kind":"sent","msg":"aa-1>unit.north","trace":"aa-1","peer":"unit.north","handoff":"agency.aa->unit.north","attempt":1})"
      "\n"
      R"({"wall_ms":"1024","t_h":3,"node":"agency.aa","kind":"lost","msg":"aa-1>unit.north","trace":"aa-1","peer":"unit.north","handoff":"agency.aa->unit.north","reason":"link down"})"
      "\n");
}

}  // namespace tearline::trace_exports
