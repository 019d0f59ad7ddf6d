// The "run" event that opens each mode's launcher trace: what the run is
// (scenario, seed, plots with their trace ids, units, agencies), as a
// v1::RunInfo (proto/tearline/v1/trace.proto), written into the trace in the
// trace's JSON form of a message (trace/message_json.h) and read back through
// the same type (analysis/read/run_info.h).
#pragma once

#include <cstdint>
#include <string>

#include "scenario/scenario.h"
#include "tearline/v1/trace.pb.h"

namespace tearline {

v1::RunInfo run_info_of(const Scenario& scenario, uint64_t seed);

// run_info_of() as the "run" field of the launcher's run event.
std::string run_info_json(const Scenario& scenario, uint64_t seed);

}  // namespace tearline
