#include "launcher/fault_log.h"

#include <cstring>

#include "base/clock.h"
#include "trace/trace.h"

namespace tearline {

void record_signal_fault(const std::filesystem::path& mode_dir, const std::string& mode,
                         const std::string& node, int signal, const std::string& by, double t_h,
                         const WallClock& clock) {
  JsonlTraceWriter trace((mode_dir / "faults.trace.jsonl").string());
  TraceEvent event;
  event.wall_ms = clock.unix_ms();
  event.t_h = t_h;
  event.node = node;
  event.mode = mode;
  event.kind = "fault";
  event.fault = "signal " + std::string(sigabbrev_np(signal));
  event.by = by;
  trace.write(event);
  trace.flush();
}

}  // namespace tearline
