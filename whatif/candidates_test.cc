// Candidate changes made from synthetic plot outcomes and the scenario
// tests' minimal scenario: which changes, in which order, addressed by
// which key paths; and every one of them a scenario that loads.
#include "whatif/candidates.h"

#include <gtest/gtest.h>

#include "base/toml_reader.h"
#include "scenario/scenario_testing.h"

namespace tearline::whatif {
namespace {

using scenario_testing::kMinimal;

// kMinimal with agency.aa's trust in agency.bb at 0.9 (above its insider
// threshold: shared in full) and an odd integer in the liaison link's delay
// (halved, it is rounded down).
std::string scenario_text() {
  std::string text(kMinimal);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"trust = 0.5", "trust = 0.9"},
                                 {"fixed_h = 24, distribution", "fixed_h = 25, distribution"}}) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
  return text;
}

std::vector<Candidate> candidates_of(const v1::PlotOutcome& plot, Question question) {
  const std::string text = scenario_text();
  std::vector<Candidate> candidates =
      candidates_for(plot, question, ScenarioIndex(parse_toml(text, "test.toml")), 1000);
  for (const Candidate& candidate : candidates) {
    EXPECT_NO_THROW(
        scenario_testing::load_text(with_overrides(text, "test.toml", candidate.overrides)))
        << candidate.description;
  }
  return candidates;
}

std::vector<std::string> descriptions(const std::vector<Candidate>& candidates) {
  std::vector<std::string> out;
  for (const Candidate& candidate : candidates) out.push_back(candidate.description);
  return out;
}

void add_hops(v1::PlotOutcome& plot, std::initializer_list<const char*> handoffs) {
  v1::Copy& copy = *plot.add_copies();
  for (const char* handoff : handoffs) copy.add_hops()->set_handoff(handoff);
}

TEST(Candidates, NotAvertedTriesLossesThenSharingThenLinksThenDepartments) {
  // A report of agency.aa shared sanitised with agency.bb and lost on the way.
  v1::PlotOutcome plot;
  v1::CopyEnd& lost = *plot.add_lost_at();
  lost.set_handoff("agency.aa->agency.bb");
  lost.set_node("agency.aa");
  lost.set_reason("liaison-loss");
  lost.set_fate("lost");
  lost.set_count(1);
  v1::SharingDecision& sanitised = *plot.add_degraded_at();
  sanitised.set_node("agency.aa");
  sanitised.set_for_("agency.bb");
  sanitised.set_source_value("insider");
  sanitised.set_full_trust_min(0.95);
  add_hops(plot, {"desk@agency.aa", "database@agency.aa"});
  add_hops(plot, {"sharing@agency.aa", "agency.aa->agency.bb", "database@agency.bb"});
  add_hops(plot, {"poll:unit.north->agency.bb", "intake@unit.north"});

  const std::vector<Candidate> candidates = candidates_of(plot, Question::kAvert);
  // The default link has no loss: nothing to make lossless there.
  const std::vector<std::string> expected = {
      "link agency.aa -> agency.bb loses nothing (loss 0.05 -> 0; undoes the loss of 1 copy there "
      "(liaison-loss))",
      "agency.aa shares with agency.bb in full (trust 0.9 -> 0.95, its full_trust_min for insider "
      "reports)",
      "link agency.aa -> agency.bb twice as fast (delay halved: fixed_h 25 -> 12, median_h 12 -> "
      "6)",
      "the default link (every pair not listed, unit.north -> agency.bb among them) twice as fast "
      "(delay halved: fixed_h 2 -> 1)",
      "desk@agency.aa with twice the workers (workers 1 -> 2)",
      "database@agency.aa with twice the workers (workers 2 -> 4)",
      "database@agency.bb with twice the workers (workers 1 -> 2)",
      "intake@unit.north with twice the workers (workers 1 -> 2)",
      "desk@agency.aa keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
      "database@agency.aa keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
      "database@agency.bb keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
      "intake@unit.north keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
  };
  EXPECT_EQ(descriptions(candidates), expected);
  // Addressed as `tearline sweep --set` addresses them; an integer stays one.
  ASSERT_EQ(candidates.size(), expected.size());
  EXPECT_EQ(candidates[1].overrides[0].path, "agency[agency.aa].partner[agency.bb].trust");
  EXPECT_EQ(candidates[1].overrides[0].value, "0.95");
  ASSERT_EQ(candidates[2].overrides.size(), 2u);
  EXPECT_EQ(candidates[2].overrides[0].path, "link[0].delay.fixed_h");
  EXPECT_EQ(candidates[2].overrides[0].value, "12");
  EXPECT_EQ(candidates[2].overrides[1].path, "link[0].delay.median_h");
  EXPECT_EQ(candidates[3].overrides[0].path, "link_default.delay.fixed_h");
  EXPECT_EQ(candidates[4].overrides[0].path, "agency[agency.aa].desk.workers");
  EXPECT_EQ(candidates[7].overrides[0].path, "unit[unit.north].intake.workers");
  EXPECT_EQ(candidates[11].overrides[0].path, "unit[unit.north].intake.ttl_h");
}

TEST(Candidates, AWithholdingUndoneSaysItsCopiesAndNeverInFullIsNoCandidate) {
  v1::PlotOutcome plot;
  v1::SharingDecision& withheld = *plot.add_withheld_at();
  withheld.set_node("agency.aa");
  withheld.set_for_("agency.bb");
  withheld.set_source_value("insider");
  withheld.set_count(2);
  withheld.set_reason("withheld:source-protection");
  withheld.set_full_trust_min(1.1);  // The fallback policy: never in full.
  EXPECT_TRUE(candidates_of(plot, Question::kAvert).empty());

  withheld.set_full_trust_min(0.95);
  v1::CopyEnd& lost = *plot.add_lost_at();
  lost.set_handoff("sharing@agency.aa");
  lost.set_node("agency.aa");
  lost.set_fate("lost");
  lost.set_count(5);  // With other partners' copies: the decision's own 2 are undone.
  const auto candidates = candidates_of(plot, Question::kAvert);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].description,
            "agency.aa shares with agency.bb in full (trust 0.9 -> 0.95, its full_trust_min for "
            "insider reports; undoes the withholding of 2 copies (withheld:source-protection))");
}

TEST(Candidates, AvertedAsksWhatWouldHaveLostItAlongItsPath) {
  v1::PlotOutcome plot;
  plot.set_averted(true);
  plot.set_first_actionable_msg("aa-1>agency.bb>unit.north");
  for (const char* handoff : {"desk@agency.aa", "database@agency.aa", "sharing@agency.aa",
                              "agency.aa->agency.bb", "officers@broker", "intake@unit.north"}) {
    plot.add_path(handoff);
  }
  // Departments of 1 worker cannot be starved further.
  const std::vector<std::string> expected = {
      "database@agency.aa with 1 worker (workers 2 -> 1)",
      "agency.aa shares with agency.bb only sanitised (trust 0.9 -> 0.3, its sanitised_trust_min "
      "for insider reports)",
      "agency.aa withholds from agency.bb (trust 0.9 -> 0, below its sanitised_trust_min for "
      "insider reports)",
      "link agency.aa -> agency.bb loses everything (loss 0.05 -> 1)",
      "link agency.aa -> agency.bb twice as slow (delay doubled: fixed_h 25 -> 50, median_h 12 -> "
      "24)",
  };
  EXPECT_EQ(descriptions(candidates_of(plot, Question::kLose)), expected);
  // Without the warning's report, the policy is unknown: withheld outright.
  plot.clear_first_actionable_msg();
  EXPECT_EQ(candidates_of(plot, Question::kLose)[1].description,
            "agency.aa withholds from agency.bb (trust 0.9 -> 0)");
}

TEST(Candidates, TheUnionOverSeedsKeepsEachChangeOnceInOrder) {
  const std::vector<Candidate> first = {{"a", {{"x", "1"}}}, {"b", {{"y", "2"}}}};
  const std::vector<Candidate> second = {{"b again", {{"y", "2"}}}, {"c", {{"x", "2"}}}};
  EXPECT_EQ(descriptions(union_of({first, second})), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace tearline::whatif
