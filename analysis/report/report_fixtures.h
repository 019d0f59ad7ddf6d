// Tests only: the report fixtures of tests/data/reports (reports of real
// runs, remade by tests/data/reports/make-fixtures), for the tests of what is
// rendered from a report. Needs TEARLINE_SOURCE_DIR defined.
#pragma once

#include <string>

#include "tearline/v1/run_report.pb.h"
#include "analysis/report/report_json.h"

namespace tearline::report::fixtures {

// tests/data/reports/<name>.report.json.
inline v1::RunReport load(const std::string& name) {
  return read_report_json(std::string(TEARLINE_SOURCE_DIR) + "/tests/data/reports/" + name +
                          ".report.json");
}

// `report` as a tearline of before the why would have written it: no
// copies, histograms, withheld_at, missing fields, response deadlines or
// sharing policy figures. What is rendered from it must still be right.
inline v1::RunReport older(v1::RunReport report) {
  for (auto& [mode_name, mode] : *report.mutable_modes()) {
    for (v1::Handoff& handoff : *mode.mutable_handoffs()) handoff.clear_delay_histogram_h();
    for (v1::PlotOutcome& plot : *mode.mutable_plots()) {
      plot.clear_copies();
      plot.clear_copies_omitted();
      plot.clear_withheld_at();
      for (v1::SharingDecision& decision : *plot.mutable_degraded_at()) {
        decision.clear_source_value();
        decision.clear_trust();
        decision.clear_full_trust_min();
        decision.clear_sanitised_trust_min();
      }
      for (v1::Warning& warning : *plot.mutable_warnings_not_actionable()) {
        warning.clear_missing();
        warning.clear_respond_by_h();
      }
    }
  }
  return report;
}

}  // namespace tearline::report::fixtures
