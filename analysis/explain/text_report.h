// report.txt: the run report in plain text, for someone deciding policy
// first (docs/MODEL.md, "What a person must see"), rendered from the typed
// report only. The why comes first: per plot, each mode's headline and facts
// (why.h), then the faults in words; then the plot table, the paths and
// where the copies died; the long tables (centre, conservation, exposure,
// nodes, anomalies, faults, handoffs) last.
#pragma once

#include <string>

#include "tearline/v1/run_report.pb.h"

namespace tearline::explain {

// Lines within report::kLineWidthMax (analysis/read/text_table.h), each
// ending in '\n'. Never throws on a report with facts missing: what is
// absent is left out or shown as "-".
std::string render_text(const v1::RunReport& report);

}  // namespace tearline::explain
