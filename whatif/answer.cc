#include "whatif/answer.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "proto/proto_json.h"

namespace tearline::whatif {
namespace {

// `question`'s seeds (the baselines averted for kLose, not for kAvert) and
// the changes that flip the outcome in at least one of them, ordered.
v1::WhatIfQuestion asked(const v1::ExplainAnswer& answer, Question question) {
  v1::WhatIfQuestion asked;
  std::vector<bool> applies;
  for (const v1::SeedRun& baseline : answer.baselines()) {
    applies.push_back(baseline.status() == "ran" && question_of(baseline.result()) == question);
    if (applies.back()) asked.add_seeds(baseline.seed());
  }
  struct Flip {
    v1::WhatIfAnswer answer;
    int overrides = 0;
  };
  std::vector<Flip> flips;
  for (const v1::WhatIf& change : answer.changes()) {
    v1::WhatIfAnswer flip;
    flip.set_candidate(change.candidate());
    std::vector<double> leads_h;
    for (int i = 0; i < change.runs_size() && i < static_cast<int>(applies.size()); ++i) {
      const v1::SeedRun& run = change.runs(i);
      if (!applies[i] || !run.flips()) continue;
      flip.add_flipped_seeds(run.seed());
      if (run.result().has_lead_time_h()) leads_h.push_back(run.result().lead_time_h());
    }
    if (flip.flipped_seeds_size() == 0) continue;
    flip.set_flipped(flip.flipped_seeds_size());
    if (question == Question::kAvert && !leads_h.empty()) {
      std::sort(leads_h.begin(), leads_h.end());
      const size_t middle = leads_h.size() / 2;
      flip.set_min_lead_time_h(leads_h.front());
      flip.set_median_lead_time_h(
          leads_h.size() % 2 == 1 ? leads_h[middle] : (leads_h[middle - 1] + leads_h[middle]) / 2);
    }
    flips.push_back({flip, change.overrides_size()});
  }
  // A lead time is longer than none.
  const auto lead_of = [](const v1::WhatIfAnswer& a) {
    return a.has_median_lead_time_h() ? a.median_lead_time_h()
                                      : -std::numeric_limits<double>::infinity();
  };
  std::stable_sort(flips.begin(), flips.end(), [&](const Flip& a, const Flip& b) {
    if (a.answer.flipped() != b.answer.flipped()) return a.answer.flipped() > b.answer.flipped();
    if (a.overrides != b.overrides) return a.overrides < b.overrides;
    if (lead_of(a.answer) != lead_of(b.answer)) return lead_of(a.answer) > lead_of(b.answer);
    return a.answer.candidate() < b.answer.candidate();
  });
  for (const Flip& flip : flips) *asked.add_answers() = flip.answer;
  return asked;
}

}  // namespace

v1::PlotResult result_of(const v1::PlotOutcome& plot) {
  v1::PlotResult result;
  result.set_averted(plot.averted());
  if (plot.has_lead_time_h()) result.set_lead_time_h(plot.lead_time_h());
  return result;
}

Question question_of(const v1::PlotResult& baseline) {
  return baseline.averted() ? Question::kLose : Question::kAvert;
}

v1::SeedRun seed_run(uint64_t seed, int exit_code, bool timed_out,
                     const std::optional<v1::PlotResult>& result, const v1::SeedRun* baseline) {
  v1::SeedRun run;
  run.set_seed(seed);
  run.set_exit_code(exit_code);
  if (timed_out) {
    run.set_status("timed out");
  } else if (exit_code != 0 || !result) {
    run.set_status("failed");
  } else {
    run.set_status("ran");
    *run.mutable_result() = *result;
    run.set_flips(baseline != nullptr && baseline->status() == "ran" &&
                  result->averted() != baseline->result().averted());
  }
  return run;
}

v1::WhatIf what_if(uint32_t number, const Candidate& candidate) {
  v1::WhatIf change;
  change.set_candidate(number);
  change.set_description(candidate.description);
  for (const Override& o : candidate.overrides) {
    v1::Override& added = *change.add_overrides();
    added.set_path(o.path);
    added.set_value(o.value);
  }
  return change;
}

void select_answers(v1::ExplainAnswer& answer) {
  answer.clear_avert();
  answer.clear_lose();
  for (const Question question : {Question::kAvert, Question::kLose}) {
    v1::WhatIfQuestion asked_here = asked(answer, question);
    if (asked_here.seeds_size() == 0) continue;
    *(question == Question::kAvert ? answer.mutable_avert() : answer.mutable_lose()) =
        std::move(asked_here);
  }
}

std::string to_json(const v1::ExplainAnswer& answer) {
  std::string text;
  if (const std::string error = proto_json::print(answer, &text); !error.empty()) {
    throw std::runtime_error("explain answer: " + error);
  }
  return text;
}

}  // namespace tearline::whatif
