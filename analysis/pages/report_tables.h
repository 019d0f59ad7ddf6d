// The numbers of report.html, below its first screen: tables rendered from
// the RunReport alone (plots, where copies ended, handoffs with their
// anchors, centre, faults, nodes). Internal to tearline_pages.
#pragma once

#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"

namespace tearline::pages {

// The report's mode names, sorted (proto maps have no order).
std::vector<std::string> mode_names(const v1::RunReport& report);

// One row per plot: averted, first actionable warning and lead time per mode.
std::string plot_table(const v1::RunReport& report);
// Where one plot's copies ended in one mode: withheld, sanitised, lost, held,
// and the warnings that reached a unit too thin or too late.
std::string copies_table(const v1::PlotOutcome& plot, const std::string& mode,
                         const std::string& start_iso);
// Every handoff of a mode, each row with id explain::anchor_of(mode, name).
std::string handoff_table(const v1::ModeReport& report, const std::string& mode);
// Failovers and down intervals; empty without a centre worth a table.
std::string centre_table(const v1::ModeReport& report);
// Every fault of the mode with what it cost; empty when there were none.
std::string faults_table(const v1::ModeReport& report);
// Every node's exits and peak memory.
std::string nodes_table(const v1::ModeReport& report);
// Which nodes saw another agency's true source handle, in one paragraph.
std::string exposure_paragraph(const v1::ModeReport& report);
// Messages created and the fate of each, in one paragraph.
std::string messages_paragraph(const v1::ModeReport& report);

}  // namespace tearline::pages
