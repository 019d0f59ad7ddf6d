// `tearline explain`'s answer (proto/tearline/v1/explain_answer.proto):
// what each tried change's run gave, the changes that flip the plot's
// outcome chosen from them, and the answer as text and as JSON, each
// written here once.
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

// A tried change: `candidate` (its place from 1), and its run's end: the
// exit code and, when that is 0, the plot's outcome in its report (nullopt:
// it gave none, and so failed); `timed_out` when it was stopped.
v1::WhatIf what_if(uint32_t number, const Candidate& candidate, int exit_code, bool timed_out,
                   const std::optional<v1::PlotResult>& result, const v1::PlotResult& baseline);

// Fills `answer.answers` from `answer.tried`: the changes that flip, the
// fewest overrides first, then (question "avert") the longest lead time,
// then candidate order. The same tries, the same answers.
void select_answers(v1::ExplainAnswer& answer);

// The answer for people: the baseline, the changes that flip it with their
// lead time and --set paths, how many were tried, left out, failed.
std::string render_text(const v1::ExplainAnswer& answer);

// The answer as JSON (protobuf's JSON mapping, the proto's field names).
// Throws std::runtime_error when it cannot (a value JSON cannot hold).
std::string to_json(const v1::ExplainAnswer& answer);

}  // namespace tearline::whatif
