#include "cli/sweep/sweep_plan.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/whole_file.h"
#include "launcher/file_modes.h"
#include "scenario/scenario.h"
#include "scenario/scenario_overlay.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sweep::Parameter;
using sweep::SweepError;

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

std::vector<std::string> modes_of(const std::string& mode) {
  if (mode != "both") return {mode};
  return {"bilateral", "coordinated"};
}

// The plan's runs: every point of the grid with every seed, points first.
std::vector<sweep::RunSpec> runs_of(const std::vector<std::vector<std::string>>& points,
                                    const std::vector<uint64_t>& seeds) {
  std::vector<sweep::RunSpec> runs;
  for (size_t k = 0; k < points.size(); ++k) {
    for (const uint64_t seed : seeds) {
      runs.push_back({k, points[k], seed, fmt::format("runs/p{}-seed{}", k, seed)});
    }
  }
  return runs;
}

}  // namespace

PlanOrExit make_plan(const SweepOptions& options, const std::string& scenario_path) {
  const auto fail = [](int code, const std::string& message) {
    fmt::print(stderr, "tearline sweep: {}\n", message);
    return PlanOrExit{std::nullopt, code};
  };
  Scenario scenario;
  try {
    scenario = load_scenario(scenario_path);
  } catch (const ScenarioError& error) {
    return fail(2, error.what());
  }
  if (options.jobs == 0 || options.jobs > 64) return fail(2, "--jobs must be 1 to 64");

  SweepPlan plan;
  std::vector<std::vector<std::string>> points;
  std::vector<std::string> point_texts;
  std::string text;  // An overlay resolved: the points vary the scenario as run.
  try {
    text = scenario_text_as_run(scenario_path);
  } catch (const ScenarioError& error) {
    return fail(2, error.what());
  }
  try {
    for (const std::string& set : options.sets) plan.parameters.push_back(sweep::parse_set(set));
    plan.seeds = options.seeds.empty() ? std::vector<uint64_t>{scenario.seed}
                                       : sweep::parse_seeds(options.seeds);
    points = sweep::grid_points(plan.parameters);
    // Every point is checked before any run starts.
    const fs::path check =
        fs::temp_directory_path() / fmt::format("tearline-sweep-{}-check.toml", getpid());
    for (const std::vector<std::string>& point : points) {
      point_texts.push_back(sweep::apply_point(text, scenario_path, plan.parameters, point));
      write_file(check, point_texts.back());
      try {
        load_scenario(check.string());
      } catch (const ScenarioError& error) {
        std::string values;
        for (size_t i = 0; i < plan.parameters.size(); ++i) {
          values += fmt::format("{}{}={}", i ? ", " : "", plan.parameters[i].path, point[i]);
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
  plan.scenario_name = scenario.name;
  plan.mode = options.mode;
  plan.modes = modes_of(options.mode);
  plan.in_process = options.in_process;
  plan.runs = runs_of(points, plan.seeds);

  const fs::path dir = options.out_dir.empty() ? default_sweep_dir(scenario.name) : options.out_dir;
  plan.dir = dir;
  json plan_json = {{"scenario", text},
                    {"parameters", json::array()},
                    {"seeds", plan.seeds},
                    {"mode", options.mode},
                    {"in_process", options.in_process}};
  for (const Parameter& parameter : plan.parameters) {
    plan_json["parameters"].push_back({{"path", parameter.path}, {"values", parameter.values}});
  }
  std::error_code error;
  if (fs::exists(dir / kPlanFile, error)) {
    if (json::parse(slurp(dir / kPlanFile), nullptr, false) != plan_json) {
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
    write_file(dir / kPlanFile, plan_json.dump(1) + "\n");
    for (size_t k = 0; k < points.size(); ++k) {
      write_file(dir / fmt::format("points/p{}.toml", k), point_texts[k]);
    }
  } catch (const std::exception& failure) {
    return fail(2,
                fmt::format("cannot write the sweep folder {}: {}", dir.string(), failure.what()));
  }
  return {std::move(plan), 0};
}

std::optional<SweepPlan> read_plan(const fs::path& dir, std::string& error) {
  const fs::path path = dir / kPlanFile;
  std::error_code size_error;
  const uintmax_t size_bytes = fs::file_size(path, size_error);
  if (size_error) {
    error = fmt::format("{}: {}", path.string(), size_error.message());
    return std::nullopt;
  }
  if (size_bytes > kPlanMaxBytes) {
    error = fmt::format("{}: larger than {} bytes: not a sweep plan", path.string(), kPlanMaxBytes);
    return std::nullopt;
  }
  SweepPlan plan;
  plan.dir = dir;
  try {
    const json plan_json = json::parse(slurp(path));
    const std::string text = plan_json.at("scenario").get<std::string>();
    plan.scenario_name = parse_scenario(text, path.string() + " (its scenario)").name;
    for (const json& parameter : plan_json.at("parameters")) {
      plan.parameters.push_back({parameter.at("path").get<std::string>(),
                                 parameter.at("values").get<std::vector<std::string>>()});
    }
    plan.seeds = plan_json.at("seeds").get<std::vector<uint64_t>>();
    plan.mode = plan_json.at("mode").get<std::string>();
    plan.in_process = plan_json.at("in_process").get<bool>();
    if (plan.mode != "both" && plan.mode != "bilateral" && plan.mode != "coordinated") {
      throw SweepError("mode must be both, bilateral or coordinated, not " + plan.mode);
    }
    if (plan.seeds.empty() || plan.seeds.size() > sweep::kSeedsMax) {
      throw SweepError(fmt::format("1 to {} seeds, not {}", sweep::kSeedsMax, plan.seeds.size()));
    }
    plan.modes = modes_of(plan.mode);
    plan.runs = runs_of(sweep::grid_points(plan.parameters), plan.seeds);
  } catch (const std::exception& failure) {  // json, ScenarioError, SweepError.
    error = fmt::format("{}: not a sweep plan: {}", path.string(), failure.what());
    return std::nullopt;
  }
  return plan;
}

}  // namespace tearline
