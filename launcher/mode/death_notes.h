// How the run words a death nobody asked for (ModeRun::judge_death), on
// stderr and in the run's outcome.
#pragma once

#include <string>

namespace tearline {

// "node N died unexpectedly: REASON", with what the reason suggests and the
// end of the process's stderr, where there is one.
std::string unexpected_death_text(const std::string& node, const std::string& reason,
                                  const std::string& stderr_tail);

// What `--restart-after-h` made of it: "; restarted at 60.0 h", or why not
// (the restart hour is at or past end_h, or the run was stopping).
std::string restart_note(double restart_h, double end_h, bool stopping);

}  // namespace tearline
