// render_text (whatif/answer.h): the answer for people, rendered from the
// ExplainAnswer the JSON is too.
#include <fmt/format.h>

#include <string>

#include "whatif/answer.h"

namespace tearline::whatif {
namespace {

std::string outcome_text(const v1::PlotResult& result) {
  if (!result.averted()) return "not averted";
  return result.has_lead_time_h() ? fmt::format("averted, lead time {:.1f} h", result.lead_time_h())
                                  : "averted";
}

std::string plural(size_t count, const std::string& word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

// "1-5", "1, 3, 9-12": consecutive seeds as a range.
std::string seeds_text(const google::protobuf::RepeatedField<uint64_t>& seeds) {
  std::string text;
  for (int i = 0; i < seeds.size(); ++i) {
    int last = i;
    while (last + 1 < seeds.size() && seeds[last + 1] == seeds[last] + 1) ++last;
    text += fmt::format("{}{}", text.empty() ? "" : ", ", seeds[i]);
    if (last > i) text += fmt::format("-{}", seeds[last]);
    i = last;
  }
  return text;
}

const v1::WhatIf* change_of(const v1::ExplainAnswer& answer, uint32_t candidate) {
  for (const v1::WhatIf& change : answer.changes()) {
    if (change.candidate() == candidate) return &change;
  }
  return nullptr;
}

// "seeds 1 (300.4 h), 3 (no lead time)" or "seeds 2-4": where `flip`
// flips the outcome, with the lead time each gives when averting.
std::string where_text(const v1::WhatIf& change, const v1::WhatIfAnswer& flip, bool avert) {
  std::string text = flip.flipped() == 1 ? "seed " : "seeds ";
  if (!avert) return text + seeds_text(flip.flipped_seeds());
  for (int i = 0; i < flip.flipped_seeds_size(); ++i) {
    const uint64_t seed = flip.flipped_seeds(i);
    text += fmt::format("{}{}", i == 0 ? "" : ", ", seed);
    for (const v1::SeedRun& run : change.runs()) {
      if (run.seed() != seed) continue;
      text += run.result().has_lead_time_h()
                  ? fmt::format(" ({:.1f} h)", run.result().lead_time_h())
                  : std::string(" (no lead time)");
    }
  }
  return text;
}

std::string question_text(const v1::ExplainAnswer& answer, const v1::WhatIfQuestion& asked,
                          bool avert) {
  const std::string verb = avert ? "avert" : "lose";
  const int n = asked.seeds_size();
  // "in any of the 5 seeds" when it asks every seed; else which.
  const std::string where =
      n == answer.seeds_size() ? ""
                               : fmt::format(" where it was {}", avert ? "not averted" : "averted");
  const int tried = answer.changes_size();
  if (asked.answers_size() == 0) {
    return fmt::format("none of the {} single change{} tried {}s it in any of the {}{}\n", tried,
                       tried == 1 ? "" : "s", verb, plural(n, "seed"), where);
  }
  std::string text = fmt::format(
      "{} of the {} single change{} tried {}{} it {}{} (most seeds, then fewest overrides{}, "
      "first):\n",
      asked.answers_size(), tried, tried == 1 ? "" : "s", verb,
      asked.answers_size() == 1 ? "s" : "",
      n == 1 ? "in the 1 seed" : fmt::format("in at least one of the {} seeds", n), where,
      avert ? ", then longest median lead time" : "");
  for (const v1::WhatIfAnswer& flip : asked.answers()) {
    const v1::WhatIf* change = change_of(answer, flip.candidate());
    if (change == nullptr) continue;
    std::string sets;
    for (const v1::Override& o : change->overrides()) {
      sets += fmt::format(" --set {}={}", o.path(), o.value());
    }
    text += fmt::format("  {}. {}\n     {}s it in {} of the {} where it was {} ({})\n    {}\n",
                        flip.candidate(), change->description(), verb, flip.flipped(),
                        plural(n, "seed"), avert ? "not averted" : "averted",
                        where_text(*change, flip, avert), sets);
  }
  return text;
}

std::string baselines_text(const v1::ExplainAnswer& answer) {
  int averted = 0;
  for (const v1::SeedRun& run : answer.baselines()) averted += run.result().averted();
  const int n = answer.baselines_size();
  std::string text = fmt::format("{} in {} mode ({}), seeds {}: ", answer.plot(), answer.mode(),
                                 answer.scenario(), seeds_text(answer.seeds()));
  if (averted == 0) {
    text += fmt::format("not averted in any of the {} as it stands\n", plural(n, "seed"));
  } else if (averted == n) {
    text += fmt::format("averted in {} of {} as it stands\n", averted, plural(n, "seed"));
  } else {
    text += fmt::format(
        "averted in {} of {} as it stands; both questions asked, each over the "
        "seeds it applies to\n",
        averted, plural(n, "seed"));
  }
  for (const v1::SeedRun& run : answer.baselines()) {
    text += fmt::format("  seed {}: {}\n", run.seed(), outcome_text(run.result()));
  }
  return text;
}

}  // namespace

std::string render_text(const v1::ExplainAnswer& answer) {
  std::string text = baselines_text(answer);
  if (answer.has_avert()) text += question_text(answer, answer.avert(), true);
  if (answer.has_lose()) text += question_text(answer, answer.lose(), false);
  std::string unanswered;
  int failed = 0;
  int timed_out = 0;
  for (const v1::WhatIf& change : answer.changes()) {
    for (const v1::SeedRun& run : change.runs()) {
      if (run.status() == "ran") continue;
      failed += run.status() == "failed";
      timed_out += run.status() == "timed out";
      unanswered += fmt::format(" {} at seed {},", change.candidate(), run.seed());
    }
  }
  if (!unanswered.empty()) {
    unanswered.pop_back();
    text += fmt::format("{} failed and {} timed out, so they answer nothing:{}\n",
                        plural(failed, "run"), timed_out, unanswered);
  }
  if (answer.left_out() > 0) {
    text += fmt::format("{} more candidate{} left out ({}; --max-runs counts candidates x seeds)\n",
                        answer.left_out(), answer.left_out() == 1 ? "" : "s",
                        plural(answer.left_out_runs(), "run"));
  }
  return text;
}

}  // namespace tearline::whatif
