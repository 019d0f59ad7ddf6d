// Messages held by a node when it died. A node killed or crashed cannot
// record what it held, so the report does: a message whose last event puts it
// at a node that then died, with no terminal or in_flight event, is lost
// there with reason "crash:<node>". Internal to tearline_report.
#pragma once

#include <vector>

#include "launcher/report/trace_reader.h"

namespace tearline::report {

// Deaths are read from the events themselves: "node_stopped" events whose
// reason is not "exit:0" (written by the launcher for each process exit), and
// "fault" events "crash" (by the node) or "signal KILL" (by fault tools).
// Appends one synthetic "lost" event per such message, after all others.
void add_crash_losses(std::vector<Event>* events);

}  // namespace tearline::report
