#include "traces/report/report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <system_error>

#include "traces/report/centre.h"
#include "traces/report/crash_losses.h"
#include "traces/report/exposure.h"
#include "traces/report/fault_effects.h"
#include "traces/report/handoff_stats.h"
#include "traces/report/message_fates.h"
#include "traces/report/node_summary.h"
#include "traces/report/plot_outcomes.h"
#include "traces/report/trace_reader.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Event;
using report::ModeTraces;

json find_run_info(const ModeTraces& traces) {
  for (const Event& event : traces.events) {
    if (event.kind == "run" && event.run.is_object()) return event.run;
  }
  return nullptr;
}

// RunInfo.seed is a uint64, which the proto3 JSON mapping writes as a string.
json seed_of(const json& run_info) {
  const auto seed = run_info.find("seed");
  if (seed == run_info.end()) return 0;  // Omitted as the proto3 default.
  if (seed->is_number_unsigned()) return *seed;
  if (seed->is_string()) {
    const std::string& text = seed->get_ref<const std::string&>();
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc{} && end == text.data() + text.size()) return value;
  }
  return nullptr;
}

json scenario_of(const json& run_info) {
  const auto scenario = run_info.find("scenario");
  return scenario != run_info.end() && scenario->is_string() ? *scenario : json(nullptr);
}

json mode_report(const ModeTraces& traces) {
  json anomalies = json::array();
  const json run_info = find_run_info(traces);
  if (run_info.is_null()) {
    anomalies.push_back({{"check", "run_event"},
                         {"message", "launcher.trace.jsonl has no run event: plots unknown"}});
  }
  const report::MessageIndex index(traces.events);
  json fates = report::fates_json(index);
  json handoffs = report::handoff_rows(traces.events, &anomalies);
  json plots = report::plot_outcomes(traces.events, index, run_info);
  json centre = report::centre_record(traces, run_info);
  report::add_centre_members(traces, index, centre, &plots);
  return {{"run", run_info},
          {"messages", std::move(fates["messages"])},
          {"lost_by_reason", std::move(fates["lost_by_reason"])},
          {"unaccounted_messages", std::move(fates["unaccounted_messages"])},
          {"handoffs", std::move(handoffs)},
          {"plots", std::move(plots)},
          {"exposure", report::source_exposure(traces.events)},
          {"nodes", report::node_summary(traces)},
          {"faults", report::fault_effects(traces.events, index, run_info)},
          {"centre", std::move(centre)},
          {"anomalies", std::move(anomalies)}};
}

}  // namespace

json build_report(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::error_code ec;
  if (!std::filesystem::is_directory(run_dir, ec)) {
    throw ReportError(
        fmt::format("run directory {} does not exist or is not a directory", run_dir));
  }
  const auto mode_dirs = report::find_mode_dirs(run_dir);
  if (mode_dirs.empty()) {
    throw ReportError(fmt::format(
        "run directory {} has no mode directory holding launcher.trace.jsonl", run_dir));
  }

  json result = {
      {"run_dir", run_dir}, {"scenario", nullptr}, {"seed", nullptr}, {"modes", json::object()}};
  bool have_run_info = false;
  for (const auto& mode_dir : mode_dirs) {
    ModeTraces traces = report::read_mode(mode_dir, warnings);
    const std::vector<std::string> died_with_launcher = report::add_launcher_deaths(&traces);
    report::add_crash_losses(&traces.events);
    json mode = mode_report(traces);
    if (!died_with_launcher.empty()) {
      const std::string message = fmt::format(
          "the run did not finish: its launcher died with {} still running; what they held is "
          "counted lost ({})",
          fmt::join(died_with_launcher, ", "), report::kLauncherDiedReason);
      mode["anomalies"].push_back({{"check", "finished"}, {"message", message}});
      if (warnings != nullptr) warnings->push_back(traces.mode + ": " + message);
    }
    const json& run_info = mode["run"];
    if (run_info.is_object()) {
      if (!have_run_info) {
        result["scenario"] = scenario_of(run_info);
        result["seed"] = seed_of(run_info);
        have_run_info = true;
      } else if (scenario_of(run_info) != result["scenario"] ||
                 seed_of(run_info) != result["seed"]) {
        mode["anomalies"].push_back(
            {{"check", "same_inputs"},
             {"message", "scenario or seed differs from the other modes': not comparable"}});
      }
    }
    result["modes"][traces.mode] = std::move(mode);
  }
  return result;
}

}  // namespace tearline
