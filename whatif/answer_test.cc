// The changes that flip a plot over seeds, chosen from synthetic runs with
// a mixed baseline (averted at one seed, not at two); the text and JSON of
// the answer.
#include "whatif/answer.h"

#include <gtest/gtest.h>

namespace tearline::whatif {
namespace {

v1::PlotResult result(bool averted, std::optional<double> lead_time_h = std::nullopt) {
  v1::PlotResult r;
  r.set_averted(averted);
  if (lead_time_h) r.set_lead_time_h(*lead_time_h);
  return r;
}

Candidate candidate(const std::string& name, size_t overrides) {
  Candidate c{name, {}};
  for (size_t i = 0; i < overrides; ++i) c.overrides.push_back({name + ".x", "1"});
  return c;
}

// A run's end at one seed: what it gave, or that it failed (exit 1) or
// timed out (nullopt).
struct End {
  std::optional<v1::PlotResult> result;
  int exit_code = 0;
};
const End kFailed{std::nullopt, 1};
const End kTimedOut{std::nullopt, 137};

// Seeds 1 and 2 not averted as they stand, 3 averted.
v1::ExplainAnswer mixed_answer() {
  v1::ExplainAnswer answer;
  answer.set_plot("plot.p");
  answer.set_mode("bilateral");
  answer.set_scenario("s");
  const std::vector<v1::PlotResult> baselines = {result(false), result(false), result(true, 50)};
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    answer.add_seeds(seed);
    *answer.add_baselines() = seed_run(seed, 0, false, baselines[seed - 1], nullptr);
  }
  const auto add = [&](const Candidate& c, const std::vector<End>& ends) {
    v1::WhatIf& change = *answer.add_changes() =
        what_if(static_cast<uint32_t>(answer.changes_size() + 1), c);
    for (int i = 0; i < 3; ++i) {
      *change.add_runs() = seed_run(i + 1, ends[i].exit_code, ends[i].exit_code == 137,
                                    ends[i].result, &answer.baselines(i));
    }
  };
  const End kept{result(true, 50)};
  add(candidate("a", 2), {{result(true, 500)}, {result(true, 400)}, kept});
  add(candidate("b", 1), {{result(true, 100)}, {result(false)}, kept});
  add(candidate("c", 1), {{result(false)}, {result(false)}, kept});
  add(candidate("d", 1), {{result(true, 300)}, {result(true, 300)}, {result(false)}});
  add(candidate("e", 1), {kFailed, {result(true, 200)}, kept});
  add(candidate("f", 1), {{result(true, 300)}, kTimedOut, kept});
  add(candidate("g", 1), {{result(true, 200)}, {result(true, 400)}, kept});
  return answer;
}

std::vector<uint32_t> order_of(const v1::WhatIfQuestion& asked) {
  std::vector<uint32_t> order;
  for (const v1::WhatIfAnswer& flip : asked.answers()) order.push_back(flip.candidate());
  return order;
}

TEST(Answer, MostSeedsThenFewestOverridesThenLongestMedianLeadThenCandidateOrder) {
  v1::ExplainAnswer answer = mixed_answer();
  select_answers(answer);
  ASSERT_TRUE(answer.has_avert());
  EXPECT_EQ(answer.avert().seeds_size(), 2);
  // d and g flip 2 seeds with one override and a median of 300 h: d first;
  // a flips 2 with two overrides; f, e, b one seed each, longest lead first.
  EXPECT_EQ(order_of(answer.avert()), (std::vector<uint32_t>{4, 7, 1, 6, 5, 2}));
  const v1::WhatIfAnswer& g = answer.avert().answers(1);
  EXPECT_EQ(g.flipped(), 2u);
  EXPECT_EQ(g.min_lead_time_h(), 200);
  EXPECT_EQ(g.median_lead_time_h(), 300);
  // The reverse question over seed 3 only: d loses it there.
  ASSERT_TRUE(answer.has_lose());
  EXPECT_EQ(answer.lose().seeds_size(), 1);
  EXPECT_EQ(order_of(answer.lose()), (std::vector<uint32_t>{4}));
  EXPECT_EQ(answer.changes(4).runs(0).status(), "failed");
  EXPECT_EQ(answer.changes(5).runs(1).status(), "timed out");
  EXPECT_FALSE(answer.changes(5).runs(1).flips());  // A run that did not run answers nothing.
}

TEST(Answer, TextSaysHowOftenEachChangeFlipsItAndWhatFailed) {
  v1::ExplainAnswer answer = mixed_answer();
  answer.set_left_out(3);
  answer.set_left_out_runs(9);
  select_answers(answer);
  const std::string text = render_text(answer);
  EXPECT_NE(text.find("plot.p in bilateral mode (s), seeds 1-3: averted in 1 of 3 seeds as it "
                      "stands; both questions asked"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  seed 3: averted, lead time 50.0 h\n"), std::string::npos) << text;
  EXPECT_NE(text.find("6 of the 7 single changes tried avert it in at least one of the 2 seeds "
                      "where it was not averted"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  4. d\n     averts it in 2 of the 2 seeds where it was not averted "
                      "(seeds 1 (300.0 h), 2 (300.0 h))\n     --set d.x=1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  4. d\n     loses it in 1 of the 1 seed where it was averted (seed 3)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1 run failed and 1 timed out, so they answer nothing: 5 at seed 1, 6 at "
                      "seed 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("3 more candidates left out (9 runs;"), std::string::npos) << text;
  const std::string json = to_json(answer);
  EXPECT_NE(json.find("\"status\": \"timed out\""), std::string::npos);
  EXPECT_NE(json.find("\"flipped_seeds\""), std::string::npos) << json;
}

TEST(Answer, NoneSaidPlainlyOverEverySeed) {
  v1::ExplainAnswer answer;
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    answer.add_seeds(seed);
    *answer.add_baselines() = seed_run(seed, 0, false, result(false), nullptr);
  }
  v1::WhatIf& change = *answer.add_changes() = what_if(1, candidate("a", 1));
  for (int i = 0; i < 2; ++i) {
    *change.add_runs() = seed_run(i + 1, 0, false, result(false), &answer.baselines(i));
  }
  select_answers(answer);
  EXPECT_FALSE(answer.has_lose());
  const std::string text = render_text(answer);
  EXPECT_NE(text.find("not averted in any of the 2 seeds as it stands"), std::string::npos) << text;
  EXPECT_NE(text.find("none of the 1 single change tried averts it in any of the 2 seeds\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace tearline::whatif
