// The changes that flip a plot, chosen from synthetic tries; the text and
// JSON of the answer.
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

v1::ExplainAnswer avert_answer() {
  v1::ExplainAnswer answer;
  answer.set_plot("plot.p");
  answer.set_mode("bilateral");
  answer.set_question("avert");
  *answer.mutable_baseline() = result(false);
  const v1::PlotResult& baseline = answer.baseline();
  *answer.add_tried() = what_if(1, candidate("a", 2), 0, false, result(true, 500), baseline);
  *answer.add_tried() = what_if(2, candidate("b", 1), 0, false, result(true, 100), baseline);
  *answer.add_tried() = what_if(3, candidate("c", 1), 0, false, result(false), baseline);
  *answer.add_tried() = what_if(4, candidate("d", 1), 0, false, result(true, 300), baseline);
  *answer.add_tried() = what_if(5, candidate("e", 1), 1, false, std::nullopt, baseline);
  *answer.add_tried() = what_if(6, candidate("f", 1), 137, true, std::nullopt, baseline);
  *answer.add_tried() = what_if(7, candidate("g", 1), 0, false, result(true, 300), baseline);
  return answer;
}

TEST(Answer, FewestOverridesThenLongestLeadTimeThenCandidateOrder) {
  v1::ExplainAnswer answer = avert_answer();
  select_answers(answer);
  std::vector<uint32_t> order;
  for (const v1::WhatIf& change : answer.answers()) order.push_back(change.candidate());
  EXPECT_EQ(order, (std::vector<uint32_t>{4, 7, 2, 1}));
  EXPECT_EQ(answer.tried(4).status(), "failed");
  EXPECT_EQ(answer.tried(5).status(), "timed out");
  EXPECT_FALSE(answer.tried(5).flips());  // A run that did not run answers nothing.
}

TEST(Answer, TextSaysWhatFlipsAndWhatFailed) {
  v1::ExplainAnswer answer = avert_answer();
  answer.set_left_out(3);
  select_answers(answer);
  const std::string text = render_text(answer);
  EXPECT_NE(text.find("4 of the 7 single changes tried avert it"), std::string::npos) << text;
  EXPECT_NE(text.find("  4. d\n     averted, lead time 300.0 h\n     --set d.x=1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1 failed and 1 timed out, so they answer nothing: 5 6"), std::string::npos)
      << text;
  EXPECT_NE(text.find("3 more candidates left out (--max-runs)"), std::string::npos) << text;
  EXPECT_NE(to_json(answer).find("\"status\": \"timed out\""), std::string::npos);
}

TEST(Answer, NoneSaidPlainly) {
  v1::ExplainAnswer answer;
  answer.set_question("avert");
  *answer.add_tried() = what_if(1, candidate("a", 1), 0, false, result(false), answer.baseline());
  select_answers(answer);
  EXPECT_NE(render_text(answer).find("none of the 1 single change tried averts it"),
            std::string::npos);
}

}  // namespace
}  // namespace tearline::whatif
