// Hand-made words (explain::Story, explain::FaultLine) for the page's tests
// and its Chromium test, written as the words' library is expected to write
// them for manchester-2017 seed 1 (tests/data/reports/pictures/), and a
// plain sentence per fault of any report. Tests only.
#pragma once

#include <fmt/format.h>

#include <vector>

#include "traces/explain/why.h"

namespace tearline::pages {

inline std::vector<explain::Story> sample_stories() {
  return {
      {"plot.stpetersburg-2017-04-03",
       "bilateral",
       false,
       "Not averted: agency.ru withheld its reports from its partners, and what reached "
       "unit.stpetersburg was too thin to act on.",
       {{"agency.ru withheld 4 copies for source protection (trust 0.3, sanitised from 0.5).",
         "sharing@agency.ru"},
        {"2 warnings reached unit.stpetersburg with area and method only: too thin (lacks "
         "subject, site, window); the second one also too late.",
         "intake@unit.stpetersburg"}}},
      {"plot.stpetersburg-2017-04-03",
       "coordinated",
       false,
       "Not averted: the centre delivered the fragments early, but they were too thin to act on.",
       {{"4 warnings reached unit.stpetersburg, none with a subject: too thin.",
         "broker->unit.stpetersburg"}}},
      {"plot.manchester-2017-05-22",
       "bilateral",
       false,
       "Not averted: agency.us sanitised its insider's report, and the tearline copy was still "
       "in flight, waiting in agency.uk's database, when the attack came.",
       {{"agency.us sanitised us-manchester-1 for agency.uk (trust 0.7 below 0.9): subject and "
         "area left.",
         "sharing@agency.us"},
        {"The tearline copy waited in database@agency.uk behind the backlog: in flight at the "
         "end of the run.",
         "database@agency.uk"},
        {"3 warnings reached unit.manchester with subject and area only: too thin (lacks site, "
         "window).",
         "intake@unit.manchester"},
        {"1 sanitised copy for agency.ru was lost on the liaison channel.",
         "agency.uk->agency.ru"}}},
      {"plot.manchester-2017-05-22",
       "coordinated",
       true,
       "Averted 15.9 days before the attack: the centre passed agency.us's full report to "
       "unit.manchester within 8 hours.",
       {{"us-manchester-1 reached the centre with its detail, its source pseudonymised.",
         "agency.us->broker"},
        {"unit.manchester acted on it on 6 May 23:15.", "intake@unit.manchester"}}},
  };
}

// One plain sentence per fault of each mode, the order of the report's.
inline std::vector<explain::FaultLine> sample_fault_lines(const v1::RunReport& report) {
  std::vector<explain::FaultLine> lines;
  for (const auto& [mode, body] : report.modes()) {
    for (const v1::FaultEffect& fault : body.faults()) {
      lines.push_back({mode,
                       {fmt::format("{} at {} from hour {:.0f} lost {} messages; {} transmissions "
                                    "lost and resent; {} delayed.",
                                    fault.fault(), fault.node(), fault.t_h(), fault.lost(),
                                    fault.attempts_lost(), fault.delayed()),
                        ""}});
    }
  }
  return lines;
}

}  // namespace tearline::pages
