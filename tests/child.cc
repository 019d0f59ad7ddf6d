#include "tests/child.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace tearline::testing {
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path small_with_every_fault_kind(const fs::path& dir) {
  const fs::path path = dir / "small-with-faults.toml";
  std::ofstream(path) << slurp(source_dir() + "/scenarios/small.toml") << "\n"
                      << slurp(source_dir() + "/tests/scenarios/every_fault_kind.toml");
  return path;
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "tearline-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string tearline_bin() { return std::string(TEARLINE_BIN_DIR) + "/tearline"; }
std::string source_dir() { return TEARLINE_SOURCE_DIR; }

Child::Child(const std::vector<std::string>& args, const fs::path& dir)
    : out_path_(dir / "stdout.txt"), err_path_(dir / "stderr.txt") {
  std::vector<std::string> argv = {tearline_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  const std::string out = out_path_.string();
  const std::string err = err_path_.string();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(126);
    execv(raw[0], raw.data());
    _exit(127);
  }
}

Child::~Child() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::optional<Finished> Child::wait(std::chrono::seconds timeout) {
  int status = 0;
  const bool exited = eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
  if (!exited) return std::nullopt;
  reaped_ = true;
  Finished finished;
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  finished.out = slurp(out_path_);
  finished.err = slurp(err_path_);
  return finished;
}

Finished run_tearline(const std::vector<std::string>& args, const fs::path& dir,
                      std::chrono::seconds timeout) {
  Child child(args, dir);
  auto finished = child.wait(timeout);
  if (!finished) throw std::runtime_error("tearline did not finish in time");
  return *finished;
}

bool eventually(const std::function<bool()>& predicate, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

bool process_alive(pid_t pid) {
  // A zombie has exited already; only its parent has not collected it yet.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close_paren = text.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= text.size()) return false;
  return text[close_paren + 2] != 'Z';
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return nlohmann::json::parse(in);
}

nlohmann::json comparable_report(const nlohmann::json& value) {
  if (value.is_array()) {
    nlohmann::json result = nlohmann::json::array();
    for (const auto& item : value) result.push_back(comparable_report(item));
    return result;
  }
  if (!value.is_object()) return value;
  nlohmann::json result = nlohmann::json::object();
  for (const auto& [key, item] : value.items()) {
    if (key.find("wall") != std::string::npos || key == "nodes" || key == "run_dir" ||
        key == "ms_per_scenario_hour") {
      continue;
    }
    result[key] = comparable_report(item);
  }
  return result;
}

bool await_live(const fs::path& mode_dir, std::chrono::seconds timeout) {
  return eventually(
      [&] {
        try {
          return read_json(mode_dir / "nodes.json").value("live", false);
        } catch (const std::exception&) {
          return false;
        }
      },
      timeout);
}

}  // namespace tearline::testing
