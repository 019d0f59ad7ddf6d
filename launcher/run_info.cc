#include "launcher/run_info.h"

#include <nlohmann/json.hpp>

namespace tearline {

std::string run_info_json(const Scenario& scenario, uint64_t seed) {
  nlohmann::json run;
  run["scenario"] = scenario.name;
  run["seed"] = seed;
  run["duration_h"] = scenario.duration_h;
  run["start_iso"] = scenario.start_iso;
  run["plots"] = nlohmann::json::array();
  for (const PlotSpec& plot : scenario.plots) {
    nlohmann::json trace_ids = nlohmann::json::array();
    for (const ReportSpec& report : scenario.reports) {
      if (report.plot == plot.id) trace_ids.push_back(report.id);
    }
    run["plots"].push_back({{"id", plot.id},
                            {"area", plot.area},
                            {"attack_h", plot.attack_h},
                            {"trace_ids", trace_ids}});
  }
  run["units"] = nlohmann::json::array();
  for (const UnitSpec& unit : scenario.units) {
    run["units"].push_back({{"name", unit.name},
                            {"area", unit.area},
                            {"response_h", unit.response_h},
                            {"agency", unit.agency}});
  }
  run["agencies"] = nlohmann::json::array();
  for (const AgencySpec& agency : scenario.agencies) run["agencies"].push_back(agency.name);
  return run.dump();
}

}  // namespace tearline
