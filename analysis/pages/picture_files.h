// A report's pictures as files of their own (for a README, a slide, a
// paper): per mode its handoff map, per plot its timeline, each a
// standalone SVG.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"

namespace tearline::pages {

// Writes dir/map-<mode>.svg and dir/timeline-<plot id>.svg (names reduced to
// [A-Za-z0-9._-]; dir must exist), each whole or not at all. Returns the
// paths written; throws std::runtime_error naming the file it could not
// write.
std::vector<std::filesystem::path> write_pictures(const v1::RunReport& report,
                                                  const std::filesystem::path& dir);

}  // namespace tearline::pages
