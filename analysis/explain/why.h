// The why of a run, in words: for each plot and mode, a few sentences made
// from the report's facts only (never text written for one scenario), each
// pointing at the handoff below that it is about. report.txt and
// report.html put them first.
#pragma once

#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"

namespace tearline::explain {

// One sentence and the place in the report it is about.
struct Fact {
  std::string text;  // A whole sentence, plain text (renderers escape it).
  // The handoff it is about ("sharing@agency.us", "agency.uk->agency.ru"),
  // or "" when it is about no single handoff. Renderers link it to that
  // handoff's row and map entry (see anchor_of()).
  std::string handoff;
};

// What became of one plot in one mode.
struct Story {
  std::string plot;  // PlotOutcome.id
  std::string mode;  // "bilateral", "coordinated"
  bool averted = false;
  std::string headline;     // One sentence: averted with lead time, or not and the main why.
  std::vector<Fact> facts;  // In the order a reader follows the intelligence.
};

// Faults of the run and what each cost, in words, per mode.
struct FaultLine {
  std::string mode;
  Fact fact;
};

// Every plot's story, plots in RunInfo order, each plot's modes in name
// order.
std::vector<Story> explain(const v1::RunReport& report);

// One sentence per fault of each mode.
std::vector<FaultLine> explain_faults(const v1::RunReport& report);

// The plots a fault touched, each with its outcome in the fault's mode:
// "plot.a (not averted), plot.b (averted)"; "-" for none.
std::string plots_touched_text(const v1::FaultEffect& fault, const v1::ModeReport& mode);

// The HTML id of a handoff's row in report.html: "h-<mode>-<handoff>" with
// every character outside [A-Za-z0-9_.-] replaced by '_'.
std::string anchor_of(const std::string& mode, const std::string& handoff);

}  // namespace tearline::explain
