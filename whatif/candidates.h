// The single changes `tearline explain` tries on one plot (README
// "Explain"), made from the plot's outcome in a baseline run's report
// (v1::PlotOutcome: its copies' hops, losses and sharing decisions) and
// addressed in the scenario's TOML (scenario_index.h). Each change is one
// or more key-path overrides in the language of `tearline sweep --set`.
//
// For a plot not averted (Question::kAvert), in this order: each loss
// undone where it happened (a withholding agency sharing in full, a link
// losing nothing, a department keeping what it expired or dropped); each
// sharing decision that withheld or sanitised a report made in full (the
// agency's trust in that partner raised to its policy's full_trust_min);
// each link the copies crossed losing nothing, then twice as fast (every
// part of its delay halved); each department they passed with twice the
// workers, then with no expiry (ttl_h past the end of the run).
//
// For an averted plot (Question::kLose), along the path of its first
// actionable warning (or, without one, every hop of its copies): each
// sharing decision sanitising (trust lowered to the policy's
// sanitised_trust_min for the report's source), then withholding (trust
// 0), each link losing everything (loss 1), then twice as slow, each
// department starved (1 worker).
//
// Candidates are deduplicated by their overrides (the first made keeps its
// description) and come in a fixed order: the same report, the same list.
#pragma once

#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "whatif/overrides.h"
#include "whatif/scenario_index.h"

namespace tearline::whatif {

enum class Question { kAvert, kLose };

struct Candidate {
  std::string description;  // "agency.us shares with agency.uk in full (...)".
  std::vector<Override> overrides;
};

// `duration_h`: the scenario's length, which a department's ttl_h passes
// to keep messages to the end.
std::vector<Candidate> candidates_for(const v1::PlotOutcome& plot, Question question,
                                      const ScenarioIndex& index, double duration_h);

// The candidates of several baselines (one per seed) as one list: each set
// of overrides once (the first made keeps its description), in the order
// of `lists` and, within one, its own.
std::vector<Candidate> union_of(const std::vector<std::vector<Candidate>>& lists);

}  // namespace tearline::whatif
