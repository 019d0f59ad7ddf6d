#include "launcher/run_info.h"

#include "trace/message_json.h"

namespace tearline {

v1::RunInfo run_info_of(const Scenario& scenario, uint64_t seed) {
  v1::RunInfo run;
  run.set_scenario(scenario.name);
  run.set_seed(seed);
  run.set_duration_h(scenario.duration_h);
  run.set_start_iso(scenario.start_iso);
  for (const PlotSpec& spec : scenario.plots) {
    v1::RunInfo::Plot* plot = run.add_plots();
    plot->set_id(spec.id);
    plot->set_area(spec.area);
    plot->set_attack_h(spec.attack_h);
    for (const ReportSpec& report : scenario.reports) {
      if (report.plot == spec.id) plot->add_trace_ids(report.id);
    }
  }
  for (const UnitSpec& spec : scenario.units) {
    v1::RunInfo::Unit* unit = run.add_units();
    unit->set_name(spec.name);
    unit->set_area(spec.area);
    unit->set_response_h(spec.response_h);
    unit->set_agency(spec.agency);
  }
  for (const AgencySpec& agency : scenario.agencies) run.add_agencies(agency.name);
  return run;
}

std::string run_info_json(const Scenario& scenario, uint64_t seed) {
  return message_json(run_info_of(scenario, seed)).dump();
}

}  // namespace tearline
