// A mode's handoff map as the live page gets it: the report's picture
// (analysis/pictures/handoff_map.h) of a snapshot or of the final report,
// bounded in size, since every open page gets every update whole.
#pragma once

#include <cstddef>
#include <string>

#include "tearline/v1/run_report.pb.h"

namespace tearline::live {

// A map's SVG larger than this is not sent.
inline constexpr size_t kMapBytesMax = 1 << 20;

struct LiveMap {
  std::string svg;   // Empty when too large.
  std::string note;  // Why there is no map, when there is none.
};

// The map of `report` (svg id "map-<mode>", data-mode <mode>).
LiveMap live_map(const v1::ModeReport& report, const std::string& mode);

}  // namespace tearline::live
