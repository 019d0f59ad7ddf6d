#include "analysis/live/live_map.h"

#include <fmt/format.h>

#include "analysis/pictures/handoff_map.h"

namespace tearline::live {

LiveMap live_map(const v1::ModeReport& report, const std::string& mode) {
  LiveMap map{pictures::handoff_map(report, mode).svg, ""};
  if (map.svg.size() > kMapBytesMax) {
    map.note = fmt::format("The map ({} KiB) is too large to send live: report.html has it.",
                           map.svg.size() >> 10);
    map.svg.clear();
  }
  return map;
}

}  // namespace tearline::live
