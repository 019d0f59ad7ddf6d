// The coordination centre (the broker) of a mode, as its member processes
// served it: failovers from one member to the other (a hot standby,
// docs/DURABILITY.md, "Hot standby"), the hours no member was the active
// centre, and which member sent the warnings. Each member writes its own
// trace file (<member>.trace.jsonl, every line "node":"<centre>"); the
// launcher traces the failovers and each member process's end. Internal to
// tearline_report.
#pragma once

#include <nlohmann/json.hpp>

#include "traces/report/message_fates.h"
#include "traces/report/trace_reader.h"

namespace tearline::report {

// The centre's record, or null when the mode has none: the centre is the
// node, other than run_info's agencies and units, that writes a node trace
// file (null without a run_info listing both).
//   {"node": "broker",
//    "members": ["broker", "broker.b"],  // The centre's name first.
//    "failovers": [{t_h, when, from, to}],  // `to` took over from `from`.
//    "down": [{t_h, when, until_h, until, hours, member, reason, back}],
//    "hours_without_centre": 0.25,
//    "warnings_by_member": {"broker": 812, "broker.b": 130},
//    "resends_by_member": {"broker": 3, "broker.b": 25}}
// A down interval starts at each death of the active member (a launcher
// "node_stopped" of the centre other than a clean exit at the scenario's
// end) and ends at the centre's next "node_started" in a member's file or
// next failover at or after it (`back` names that member), else at the
// scenario's end (`back` null). when/until are ISO times (null without
// start_iso). warnings_by_member counts each member's first sends ("sent")
// of messages to units, resends_by_member its "resent" ones.
nlohmann::json centre_record(const ModeTraces& traces, const nlohmann::json& run_info);

// Sets "centre_member" on each plot of `plots` (plot_outcomes()): the member
// whose send of the first actionable warning (or of its nearest ancestor the
// centre sent) reached its receiver, or null if none passed through the
// centre. Does nothing when `centre` is null.
void add_centre_members(const ModeTraces& traces, const MessageIndex& index,
                        const nlohmann::json& centre, nlohmann::json* plots);

}  // namespace tearline::report
