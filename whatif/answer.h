// `tearline explain`'s answer (proto/tearline/v1/explain_answer.proto):
// what each tried change's runs gave at each seed, the changes that flip
// the plot's outcome chosen from them, and the answer as text and as JSON,
// each written here once.
#pragma once

#include <optional>
#include <string>

#include "tearline/v1/explain_answer.pb.h"
#include "tearline/v1/run_report.pb.h"
#include "whatif/candidates.h"

namespace tearline::whatif {

// A plot's outcome (of a run's report) as the answer keeps it.
v1::PlotResult result_of(const v1::PlotOutcome& plot);

// The question a baseline outcome asks.
Question question_of(const v1::PlotResult& baseline);

// A run at `seed`: its exit code and, when that is 0, the plot's outcome
// in its report (nullopt: it gave none, and so failed); `timed_out` when it
// was stopped. `baseline`: the scenario's own run at that seed, which a
// change's run flips or not (nullptr for the baseline itself).
v1::SeedRun seed_run(uint64_t seed, int exit_code, bool timed_out,
                     const std::optional<v1::PlotResult>& result, const v1::SeedRun* baseline);

// A change (`candidate`, its place from 1) with no run yet.
v1::WhatIf what_if(uint32_t number, const Candidate& candidate);

// Fills `answer.avert` (over the seeds whose baseline was not averted) and
// `answer.lose` (over those where it was) from `answer.baselines` and
// `answer.changes`, whose runs are in the order of `answer.seeds`. An
// answer flips the outcome in at least one of its question's seeds: the
// most seeds first, then the fewest overrides, then (averting) the longest
// median lead time, then candidate order. The same runs, the same answers.
void select_answers(v1::ExplainAnswer& answer);

// The answer for people: the baselines, for each question the changes that
// flip it with how often, their lead times and --set paths, how many were
// tried, left out, failed (whatif/answer_text.cc).
std::string render_text(const v1::ExplainAnswer& answer);

// The answer as JSON (protobuf's JSON mapping, the proto's field names).
// Throws std::runtime_error when it cannot (a value JSON cannot hold).
std::string to_json(const v1::ExplainAnswer& answer);

}  // namespace tearline::whatif
