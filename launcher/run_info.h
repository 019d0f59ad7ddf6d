// The "run" event that opens each mode's launcher trace: what the run is
// (scenario, seed, plots with their trace ids, units, agencies), as JSON.
#pragma once

#include <cstdint>
#include <string>

#include "scenario/scenario.h"

namespace tearline {

std::string run_info_json(const Scenario& scenario, uint64_t seed);

}  // namespace tearline
