// One mode's handoffs as a map: agencies in a column on the left, the centre
// in the middle, units on the right, each a box holding its departments
// (desk, sharing, database, officers, intake); links between them as paths
// through a label. Every department and link is labelled with its messages
// in and out, losses by reason (in red, where they happen), messages in
// flight and its p50/p90 delay: the report's `handoffs`, nothing else.
//
// The layout is deterministic and by role (RunInfo's agencies and units,
// the centre's node and members; other names by their prefix), so the same
// report draws the same map. Labels never overlap: boxes stack in columns,
// link labels stack in the gutters between columns.
#pragma once

#include <functional>
#include <string>

#include "tearline/v1/run_report.pb.h"
#include "analysis/pictures/svg.h"

namespace tearline::pictures {

// Each handoff's entry links to href_of(handoff name) when href_of is set
// and returns a non-empty "#id". `mode` is written on the svg (data-mode).
Picture handoff_map(const v1::ModeReport& mode, std::string_view mode_name,
                    const std::function<std::string(const std::string&)>& href_of = nullptr);

// The map alone, for pages that link nothing (the live page).
std::string handoff_map_svg(const v1::ModeReport& mode);

}  // namespace tearline::pictures
