#include "launcher/mode/death_notes.h"

#include <fmt/format.h>

#include "runtime/node_runtime.h"

namespace tearline {

std::string unexpected_death_text(const std::string& node, const std::string& reason,
                                  const std::string& stderr_tail) {
  std::string text = fmt::format("node {} died unexpectedly: {}", node, reason);
  if (reason == fmt::format("exit:{}", kExitCannotWrite)) {
    text +=
        "; it could not write its trace or journal (a full disk, or the run folder removed or "
        "made unwritable?)";
  }
  if (!stderr_tail.empty()) text += "; its stderr: " + stderr_tail;
  return text;
}

std::string restart_note(double restart_h, double end_h, bool stopping) {
  if (stopping) return "; not restarted: it died while the run was stopping";
  if (restart_h >= end_h) {
    return fmt::format("; not restarted: {:.1f} h is past the end of the run ({:.1f} h)", restart_h,
                       end_h);
  }
  return fmt::format("; restarted at {:.1f} h", restart_h);
}

}  // namespace tearline
