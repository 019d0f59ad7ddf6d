// Faults that nodes cannot trace themselves (signals to their processes) are
// recorded by whoever sends them in <mode>/faults.trace.jsonl.
#pragma once

#include <filesystem>
#include <string>

#include "base/clock.h"

namespace tearline {

// Appends a "fault" event "signal <ABBREV>" for `node` to the mode's
// faults.trace.jsonl, flushed before returning, so it is on disk before the
// signal is sent; its wall time read off `clock`.
void record_signal_fault(const std::filesystem::path& mode_dir, const std::string& mode,
                         const std::string& node, int signal, const std::string& by, double t_h,
                         const WallClock& clock);

}  // namespace tearline
