// The way a message came: the handoffs it and its ancestors passed through.
// Internal to tearline_report.
#pragma once

#include <string>
#include <vector>

#include "traces/report/message_fates.h"

namespace tearline::report {

// The link, queue and decision handoffs of `msg` and of its ancestors (via
// "parent"), in time order, each name once. An ancestor contributes only the
// events before its child was created, so a sibling branch (e.g. the original
// filed at home while a copy went abroad) does not leak into the path.
std::vector<std::string> message_path(const MessageIndex& index, const std::string& msg);

}  // namespace tearline::report
