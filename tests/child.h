// Running `tearline` as a child process from tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tearline::testing {

struct Finished {
  int exit_code = -1;  // -1 if killed by a signal.
  std::string out;
  std::string err;
};

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string tearline_bin();
std::string source_dir();
// The whole file, or "" if it cannot be read.
std::string slurp(const std::filesystem::path& path);
// scenarios/small.toml with every kind of fault scheduled
// (tests/scenarios/every_fault_kind.toml), written into `dir`.
std::filesystem::path small_with_every_fault_kind(const std::filesystem::path& dir);

// A started `tearline` process with stdout and stderr going to files in `dir`.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::filesystem::path& dir);
  ~Child();  // Kills it if still running.
  pid_t pid() const { return pid_; }
  // Waits up to `timeout` for it to exit.
  std::optional<Finished> wait(std::chrono::seconds timeout);

 private:
  pid_t pid_;
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
  bool reaped_ = false;
};

// Runs `tearline args...` to completion (bounded by `timeout`).
Finished run_tearline(const std::vector<std::string>& args, const std::filesystem::path& dir,
                      std::chrono::seconds timeout = std::chrono::seconds(120));

// Waits (bounded) until `predicate` holds; re-checks every 20 ms.
bool eventually(const std::function<bool()>& predicate, std::chrono::seconds timeout);

bool process_alive(pid_t pid);

// A report without what may differ between runs of the same scenario, seed
// and faults: wall-clock keys, the nodes sections (memory, pids, exits), the
// run folder and the pace.
nlohmann::json comparable_report(const nlohmann::json& report);
nlohmann::json read_json(const std::filesystem::path& path);

// Waits (bounded) until the mode in `mode_dir` is live (its nodes.json says
// so); false if it is not by `timeout`.
bool await_live(const std::filesystem::path& mode_dir,
                std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace tearline::testing
