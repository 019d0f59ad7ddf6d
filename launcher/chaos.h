// `tearline run --chaos SEED`: a schedule of mixed faults drawn from a seed,
// in the manner of Jepsen's nemeses: partitions, lossy and slow links,
// pauses, stalled departments, crashes, SIGKILLs (of the broker and of
// agencies among them) and SIGSTOPs, each undone or restarted in time for
// the run to end cleanly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace tearline {

// The same scenario and seed always give the same schedule.
std::vector<FaultSpec> chaos_schedule(const Scenario& scenario, uint64_t chaos_seed);

// One line per fault, for the run directory's chaos.txt.
std::string describe_schedule(const std::vector<FaultSpec>& faults);

}  // namespace tearline
