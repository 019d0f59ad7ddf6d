#include "whatif/answer.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "proto/proto_json.h"

namespace tearline::whatif {
namespace {

std::string outcome_text(const v1::PlotResult& result) {
  if (!result.averted()) return "not averted";
  return result.has_lead_time_h() ? fmt::format("averted, lead time {:.1f} h", result.lead_time_h())
                                  : "averted";
}

std::string sets_of(const v1::WhatIf& change) {
  std::string sets;
  for (const v1::Override& o : change.overrides()) {
    sets += fmt::format(" --set {}={}", o.path(), o.value());
  }
  return sets;
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

v1::WhatIf what_if(uint32_t number, const Candidate& candidate, int exit_code, bool timed_out,
                   const std::optional<v1::PlotResult>& result, const v1::PlotResult& baseline) {
  v1::WhatIf change;
  change.set_candidate(number);
  change.set_description(candidate.description);
  for (const Override& o : candidate.overrides) {
    v1::Override& added = *change.add_overrides();
    added.set_path(o.path);
    added.set_value(o.value);
  }
  change.set_exit_code(exit_code);
  if (timed_out) {
    change.set_status("timed out");
  } else if (exit_code != 0 || !result) {
    change.set_status("failed");
  } else {
    change.set_status("ran");
    *change.mutable_result() = *result;
    change.set_flips(result->averted() != baseline.averted());
  }
  return change;
}

void select_answers(v1::ExplainAnswer& answer) {
  std::vector<const v1::WhatIf*> flipping;
  for (const v1::WhatIf& change : answer.tried()) {
    if (change.flips()) flipping.push_back(&change);
  }
  const bool avert = answer.question() == "avert";
  std::stable_sort(flipping.begin(), flipping.end(), [&](const v1::WhatIf* a, const v1::WhatIf* b) {
    if (a->overrides_size() != b->overrides_size()) {
      return a->overrides_size() < b->overrides_size();
    }
    if (avert) {
      // A lead time is longer than none.
      const double lead_a = a->result().has_lead_time_h() ? a->result().lead_time_h() : -1e300;
      const double lead_b = b->result().has_lead_time_h() ? b->result().lead_time_h() : -1e300;
      if (lead_a != lead_b) return lead_a > lead_b;
    }
    return a->candidate() < b->candidate();
  });
  answer.clear_answers();
  for (const v1::WhatIf* change : flipping) *answer.add_answers() = *change;
}

std::string render_text(const v1::ExplainAnswer& answer) {
  const bool avert = answer.question() == "avert";
  std::string text = fmt::format("{} in {} mode, seed {} ({}): {}\n", answer.plot(), answer.mode(),
                                 answer.seed(), answer.scenario(), outcome_text(answer.baseline()));
  int failed = 0;
  int timed_out = 0;
  for (const v1::WhatIf& change : answer.tried()) {
    failed += change.status() == "failed";
    timed_out += change.status() == "timed out";
  }
  const int tried = answer.tried_size();
  // "none of the 23 ... averts it", "1 of the 23 ... averts it", "2 of ... avert it".
  const std::string verb = avert ? "avert" : "lose";
  if (answer.answers_size() == 0) {
    text += fmt::format("none of the {} single change{} tried {}s it\n", tried,
                        tried == 1 ? "" : "s", verb);
  } else {
    text += fmt::format(
        "{} of the {} single change{} tried {}{} it{}:\n", answer.answers_size(), tried,
        tried == 1 ? "" : "s", verb, answer.answers_size() == 1 ? "s" : "",
        avert ? " (fewest overrides, then longest lead time, first)" : " (fewest overrides first)");
    for (const v1::WhatIf& change : answer.answers()) {
      text += fmt::format("  {}. {}\n     {}\n    {}\n", change.candidate(), change.description(),
                          outcome_text(change.result()), sets_of(change));
    }
  }
  if (failed + timed_out > 0) {
    text += fmt::format("{} failed and {} timed out, so they answer nothing:", failed, timed_out);
    for (const v1::WhatIf& change : answer.tried()) {
      if (change.status() != "ran") text += fmt::format(" {}", change.candidate());
    }
    text += "\n";
  }
  if (answer.left_out() > 0) {
    text += fmt::format("{} more candidate{} left out (--max-runs)\n", answer.left_out(),
                        answer.left_out() == 1 ? "" : "s");
  }
  return text;
}

std::string to_json(const v1::ExplainAnswer& answer) {
  std::string text;
  if (const std::string error = proto_json::print(answer, &text); !error.empty()) {
    throw std::runtime_error("explain answer: " + error);
  }
  return text;
}

}  // namespace tearline::whatif
