#include "cli/sweep_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "base/clock.h"
#include "base/whole_file.h"
#include "cli/run_command.h"
#include "cli/sweep_progress.h"
#include "cli/sweep_summary.h"
#include "launcher/file_modes.h"
#include "scenario/scenario.h"
#include "sweep/sweep_grid.h"
#include "sweep/sweep_results.h"

extern char** environ;

namespace tearline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sweep::Parameter;
using sweep::RunSpec;
using sweep::SweepError;

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// Written into a run's folder once its `tearline run` has ended: its exit
// code. A run folder without it did not finish and is run again.
constexpr const char* kExitFile = "sweep-exit";
constexpr const char* kPlanFile = "sweep-plan.json";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Throws std::runtime_error when it cannot.
void write_file(const fs::path& path, const std::string& text) {
  if (const std::string error = write_whole_file(path, text); !error.empty()) {
    throw std::runtime_error(error);
  }
}

std::string default_sweep_dir(const std::string& scenario_name) {
  return fmt::format("runs/sweep-{}-{}", scenario_name, folder_stamp(system_clock()));
}

// Starts `tearline run` for `run`; its output goes to <run>.log.
pid_t start_run(const fs::path& sweep_dir, const RunSpec& run, const SweepOptions& options) {
  std::vector<std::string> args = {fs::read_symlink("/proc/self/exe").string(),
                                   "run",
                                   (sweep_dir / fmt::format("points/p{}.toml", run.point)).string(),
                                   "--seed",
                                   std::to_string(run.seed),
                                   "--scale",
                                   "0",
                                   "--quiet",
                                   "--no-html",
                                   "--out",
                                   (sweep_dir / run.dir).string()};
  if (options.mode != "both") args.insert(args.end(), {"--mode", options.mode});
  if (options.in_process) args.push_back("--in-process");
  if (options.group_readable) args.push_back("--group-readable");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (sweep_dir / (run.dir + ".log")).string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error(fmt::format("cannot start a run: {}", strerror(error)));
  return pid;
}

std::optional<int> exit_of_finished(const fs::path& run_dir) {
  std::ifstream in(run_dir / kExitFile);
  int code = 0;
  if (in >> code) return code;
  return std::nullopt;
}

// The run's report; nullopt when it has none that reads, which its rows
// then show by their exit code alone. A run that failed before writing one
// is said by its exit code; a report that is there and does not read (of
// an older tearline, say) is said here.
std::optional<v1::RunReport> report_of(const fs::path& run_dir) {
  const fs::path path = run_dir / "report.json";
  std::error_code error;
  if (!fs::exists(path, error)) return std::nullopt;
  try {
    return report::read_report_json(path.string());
  } catch (const ReportError& failure) {
    fmt::print(stderr, "tearline sweep: {}; its rows give only the exit code\n", failure.what());
    return std::nullopt;
  }
}

}  // namespace

int sweep_command(const SweepOptions& options) {
  const auto fail = [](int code, const std::string& message) {
    fmt::print(stderr, "tearline sweep: {}\n", message);
    return code;
  };
  const std::string scenario_path = resolve_scenario_path(options.scenario);
  Scenario scenario;
  try {
    scenario = load_scenario(scenario_path);
  } catch (const ScenarioError& error) {
    return fail(2, error.what());
  }
  if (options.jobs == 0 || options.jobs > 64) return fail(2, "--jobs must be 1 to 64");

  std::vector<Parameter> parameters;
  std::vector<uint64_t> seeds;
  std::vector<std::vector<std::string>> points;
  std::vector<std::string> point_texts;
  const std::string text = slurp(scenario_path);
  try {
    for (const std::string& set : options.sets) parameters.push_back(sweep::parse_set(set));
    seeds = options.seeds.empty() ? std::vector<uint64_t>{scenario.seed}
                                  : sweep::parse_seeds(options.seeds);
    points = sweep::grid_points(parameters);
    // Every point is checked before any run starts.
    const fs::path check =
        fs::temp_directory_path() / fmt::format("tearline-sweep-{}-check.toml", getpid());
    for (const std::vector<std::string>& point : points) {
      point_texts.push_back(sweep::apply_point(text, scenario_path, parameters, point));
      write_file(check, point_texts.back());
      try {
        load_scenario(check.string());
      } catch (const ScenarioError& error) {
        std::string values;
        for (size_t i = 0; i < parameters.size(); ++i) {
          values += fmt::format("{}{}={}", i ? ", " : "", parameters[i].path, point[i]);
        }
        std::error_code ignored;
        fs::remove(check, ignored);
        // The loader's message names the key; the path of the copy is not the user's.
        std::string message = error.what();
        if (message.rfind(check.string(), 0) == 0) message.erase(0, check.string().size() + 1);
        return fail(2, fmt::format("with {}: {}", values, message));
      }
    }
    std::error_code ignored;
    fs::remove(check, ignored);
  } catch (const SweepError& error) {
    return fail(2, error.what());
  }
  std::vector<std::string> modes = {"bilateral", "coordinated"};
  if (options.mode != "both") modes = {options.mode};

  const fs::path dir = options.out_dir.empty() ? default_sweep_dir(scenario.name) : options.out_dir;
  json plan = {{"scenario", text},
               {"parameters", json::array()},
               {"seeds", seeds},
               {"mode", options.mode},
               {"in_process", options.in_process}};
  for (const Parameter& parameter : parameters) {
    plan["parameters"].push_back({{"path", parameter.path}, {"values", parameter.values}});
  }
  std::error_code error;
  if (fs::exists(dir / kPlanFile, error)) {
    if (json::parse(slurp(dir / kPlanFile), nullptr, false) != plan) {
      return fail(2, dir.string() +
                         " holds another sweep (other scenario, parameters, seeds or mode); "
                         "give another --out");
    }
  } else if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    return fail(2, dir.string() + " is not empty and holds no sweep; give another --out");
  }
  create_private_files(options.group_readable);  // The runs inherit it.
  try {
    fs::create_directories(dir / "points");
    if (const std::error_code failure = make_private(dir, options.group_readable)) {
      throw fs::filesystem_error("cannot restrict who reads it", dir, failure);
    }
    fs::create_directories(dir / "runs");
    write_file(dir / kPlanFile, plan.dump(1) + "\n");
    for (size_t k = 0; k < points.size(); ++k) {
      write_file(dir / fmt::format("points/p{}.toml", k), point_texts[k]);
    }
  } catch (const std::exception& failure) {
    return fail(2,
                fmt::format("cannot write the sweep folder {}: {}", dir.string(), failure.what()));
  }

  std::vector<RunSpec> runs;
  for (size_t k = 0; k < points.size(); ++k) {
    for (const uint64_t seed : seeds) {
      runs.push_back({k, points[k], seed, fmt::format("runs/p{}-seed{}", k, seed)});
    }
  }
  size_t done = 0;
  std::vector<size_t> to_run;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (exit_of_finished(dir / runs[i].dir)) {
      ++done;
    } else {
      fs::remove_all(dir / runs[i].dir, error);  // Unfinished: run again.
      to_run.push_back(i);
    }
  }
  if (!options.quiet) {
    fmt::print(stderr, "tearline sweep: {} points x {} seeds = {} runs ({} done before) into {}\n",
               points.size(), seeds.size(), runs.size(), done, dir.string());
  }

  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  SweepProgress progress(runs.size(), done, !options.quiet, system_clock());
  std::map<pid_t, size_t> running;
  size_t next = 0;
  // Why no further run starts, when the sweep folder failed it (a full disk,
  // an unwritable folder): the running ones end, and the sweep fails.
  std::string stopped_by;
  progress.update(done, 0);
  while ((next < to_run.size() && !g_interrupted && stopped_by.empty()) || !running.empty()) {
    while (!g_interrupted && stopped_by.empty() && next < to_run.size() &&
           running.size() < options.jobs) {
      try {
        running[start_run(dir, runs[to_run[next]], options)] = to_run[next];
      } catch (const std::exception& failure) {
        stopped_by = failure.what();
        fmt::print(stderr, "\ntearline sweep: {}\n", failure.what());
        break;
      }
      ++next;
    }
    progress.update(done, running.size());
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) {
        for (const auto& [child, index] : running) kill(child, SIGINT);
        continue;
      }
      break;
    }
    const auto finished = running.find(pid);
    if (finished == running.end()) continue;
    const RunSpec& run = runs[finished->second];
    running.erase(finished);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code == 130 || g_interrupted) continue;  // Interrupted: run again on resume.
    try {
      write_file(dir / run.dir / kExitFile, fmt::format("{}\n", code));
    } catch (const std::exception& failure) {
      if (stopped_by.empty()) stopped_by = failure.what();
      fmt::print(stderr, "\ntearline sweep: {}\n", failure.what());
      continue;
    }
    if (!options.keep_traces) {
      // Its report is what the sweep reads; `tearline run` of its point and
      // seed makes the traces again, the same.
      for (const char* mode : {"bilateral", "coordinated"}) {
        fs::remove_all(dir / run.dir / mode, error);
      }
    }
    ++done;
    progress.update(done, running.size());
  }
  progress.finish();
  if (g_interrupted) {
    return fail(130, fmt::format("interrupted: {} of {} runs done; the same command resumes", done,
                                 runs.size()));
  }
  if (!stopped_by.empty()) {
    return fail(1, fmt::format("stopped: {}; {} of {} runs done; the same command resumes",
                               stopped_by, done, runs.size()));
  }

  v1::SweepResults results = sweep::results_of(scenario.name, parameters, seeds, modes);
  int failed_runs = 0;
  for (const RunSpec& run : runs) {
    const std::optional<int> code = exit_of_finished(dir / run.dir);
    if (!code) continue;
    if (*code != 0) ++failed_runs;
    for (v1::SweepRow& row :
         sweep::rows_of_run(parameters, run, *code, report_of(dir / run.dir), modes)) {
      *results.add_rows() = std::move(row);
    }
  }
  try {
    sweep::write_results(dir, results);
  } catch (const std::exception& failure) {
    return fail(1, failure.what());
  }
  if (!options.quiet) {
    print_summary(results);
    fmt::print("\ntearline sweep: {} runs; results in {}/sweep.csv and sweep.json\n", runs.size(),
               dir.string());
  }
  if (failed_runs > 0) {
    return fail(1, fmt::format("{} of {} runs failed (their log: <run>.log beside the run)",
                               failed_runs, runs.size()));
  }
  return 0;
}

}  // namespace tearline
