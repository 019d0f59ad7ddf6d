// Candidate changes made from synthetic plot outcomes and a small scenario
// table: which changes, in which order, addressed by which key paths.
#include "whatif/candidates.h"

#include <gtest/gtest.h>

#include "base/toml_reader.h"

namespace tearline::whatif {
namespace {

constexpr const char* kScenario = R"(
[[agency]]
name = "agency.aa"
desk = { workers = 2, service = { fixed_h = 1 } }
database = { workers = 3, ttl_h = 100, service = { fixed_h = 1 } }
policy = { insider = { full_trust_min = 0.6, sanitised_trust_min = 0.3 } }
[[agency.source]]
handle = "aa.insider-1"
value = "insider"
[[agency.partner]]
agency = "agency.cc"
trust = 0.2
[[agency.partner]]
agency = "agency.bb"
trust = 0.7
[[agency]]
name = "agency.bb"
database = { workers = 1, service = { fixed_h = 1 } }
[broker]
name = "broker"
officers = { workers = 4, service = { fixed_h = 1 } }
[[unit]]
name = "unit.x"
intake = { workers = 2, service = { fixed_h = 1 } }
[link_default]
delay = { fixed_h = 0.5 }
loss = { probability = 0.01 }
[[link]]
from = "agency.aa"
to = "agency.bb"
both_ways = true
delay = { fixed_h = 1, distribution = "lognormal", median_h = 24.0, sigma = 0.5 }
loss = { probability = 0.03, reason = "liaison-loss" }
[[report]]
id = "aa-1"
agency = "agency.aa"
source = "aa.insider-1"
)";

void add_hop(v1::Copy& copy, const std::string& handoff) { copy.add_hops()->set_handoff(handoff); }

// A report of agency.aa shared sanitised with agency.bb and lost on the way.
v1::PlotOutcome not_averted() {
  v1::PlotOutcome plot;
  v1::CopyEnd& lost = *plot.add_lost_at();
  lost.set_handoff("agency.aa->agency.bb");
  lost.set_node("agency.aa");
  lost.set_reason("liaison-loss");
  lost.set_fate("lost");
  lost.set_count(1);
  v1::SharingDecision& sanitised = *plot.add_degraded_at();
  sanitised.set_handoff("sharing@agency.aa");
  sanitised.set_node("agency.aa");
  sanitised.set_for_("agency.bb");
  sanitised.set_source_value("insider");
  sanitised.set_trust(0.7);
  sanitised.set_full_trust_min(0.9);
  v1::Copy& source = *plot.add_copies();
  add_hop(source, "desk@agency.aa");
  add_hop(source, "database@agency.aa");
  v1::Copy& shared = *plot.add_copies();
  add_hop(shared, "sharing@agency.aa");
  add_hop(shared, "agency.aa->agency.bb");
  add_hop(shared, "database@agency.bb");
  v1::Copy& polled = *plot.add_copies();
  add_hop(polled, "poll:unit.x->agency.bb");
  add_hop(polled, "intake@unit.x");
  return plot;
}

std::vector<std::string> descriptions(const std::vector<Candidate>& candidates) {
  std::vector<std::string> out;
  for (const Candidate& candidate : candidates) out.push_back(candidate.description);
  return out;
}

TEST(Candidates, NotAvertedTriesLossesThenSharingThenLinksThenDepartments) {
  const toml::table root = parse_toml(kScenario, "test.toml");
  const std::vector<Candidate> candidates =
      candidates_for(not_averted(), Question::kAvert, ScenarioIndex(root), 1000);
  const std::vector<std::string> expected = {
      "link agency.aa -> agency.bb (both ways) loses nothing (loss 0.03 -> 0; undoes the loss of "
      "1 copy there (liaison-loss))",
      "agency.aa shares with agency.bb in full (trust 0.7 -> 0.9, its full_trust_min for insider "
      "reports)",
      "the default link (every pair not listed, unit.x -> agency.bb among them) loses nothing "
      "(loss 0.01 -> 0)",
      "link agency.aa -> agency.bb (both ways) twice as fast (delay halved: fixed_h 1 -> 0, "
      "median_h 24 -> 12)",
      "the default link (every pair not listed, unit.x -> agency.bb among them) twice as fast "
      "(delay halved: fixed_h 0.5 -> 0.25)",
      "desk@agency.aa with twice the workers (workers 2 -> 4)",
      "database@agency.aa with twice the workers (workers 3 -> 6)",
      "database@agency.bb with twice the workers (workers 1 -> 2)",
      "intake@unit.x with twice the workers (workers 2 -> 4)",
      "desk@agency.aa keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
      "database@agency.aa keeps what waits to the end of the run (ttl_h 100 -> 1001: no expiry)",
      "database@agency.bb keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
      "intake@unit.x keeps what waits to the end of the run (ttl_h 720 -> 1001: no expiry)",
  };
  EXPECT_EQ(descriptions(candidates), expected);
  // Addressed as `tearline sweep --set` addresses them; an integer stays one.
  ASSERT_EQ(candidates[1].overrides.size(), 1u);
  EXPECT_EQ(candidates[1].overrides[0].path, "agency[0].partner[1].trust");
  EXPECT_EQ(candidates[1].overrides[0].value, "0.9");
  ASSERT_EQ(candidates[3].overrides.size(), 2u);
  EXPECT_EQ(candidates[3].overrides[0].path, "link[0].delay.fixed_h");
  EXPECT_EQ(candidates[3].overrides[0].value, "0");
  EXPECT_EQ(candidates[3].overrides[1].path, "link[0].delay.median_h");
  EXPECT_EQ(candidates[3].overrides[1].value, "12");
  EXPECT_EQ(candidates[5].overrides[0].path, "agency[0].desk.workers");
  EXPECT_EQ(candidates[8].overrides[0].path, "unit[0].intake.workers");
}

TEST(Candidates, SharingNeverInFullIsNoCandidate) {
  v1::PlotOutcome plot;
  v1::SharingDecision& withheld = *plot.add_withheld_at();
  withheld.set_node("agency.aa");
  withheld.set_for_("agency.cc");
  withheld.set_full_trust_min(1.1);  // The fallback policy: never in full.
  const toml::table root = parse_toml(kScenario, "test.toml");
  EXPECT_TRUE(candidates_for(plot, Question::kAvert, ScenarioIndex(root), 1000).empty());
  withheld.set_full_trust_min(0.95);
  withheld.set_source_value("insider");
  withheld.set_count(2);
  withheld.set_reason("withheld:source-protection");
  v1::CopyEnd& lost = *plot.add_lost_at();
  lost.set_handoff("sharing@agency.aa");
  lost.set_node("agency.aa");
  lost.set_fate("lost");
  lost.set_count(5);  // With other partners' copies: the decision's own 2 are undone.
  const auto candidates = candidates_for(plot, Question::kAvert, ScenarioIndex(root), 1000);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].overrides[0].path, "agency[0].partner[0].trust");
  EXPECT_EQ(candidates[0].description,
            "agency.aa shares with agency.cc in full (trust 0.2 -> 0.95, its full_trust_min for "
            "insider reports; undoes the withholding of 2 copies (withheld:source-protection))");
}

TEST(Candidates, AvertedAsksWhatWouldHaveLostItAlongItsPath) {
  v1::PlotOutcome plot;
  plot.set_averted(true);
  plot.set_first_actionable_msg("aa-1>agency.bb>unit.x");
  for (const char* handoff : {"desk@agency.aa", "sharing@agency.aa", "agency.aa->agency.bb",
                              "officers@broker", "intake@unit.x"}) {
    plot.add_path(handoff);
  }
  const toml::table root = parse_toml(kScenario, "test.toml");
  const std::vector<std::string> expected = {
      "desk@agency.aa with 1 worker (workers 2 -> 1)",
      "agency.aa shares with agency.bb only sanitised (trust 0.7 -> 0.3, its "
      "sanitised_trust_min for insider reports)",
      "agency.aa withholds from agency.bb (trust 0.7 -> 0, below its sanitised_trust_min for "
      "insider reports)",
      "link agency.aa -> agency.bb (both ways) loses everything (loss 0.03 -> 1)",
      "link agency.aa -> agency.bb (both ways) twice as slow (delay doubled: fixed_h 1 -> 2, "
      "median_h 24 -> 48)",
      "officers@broker with 1 worker (workers 4 -> 1)",
      "intake@unit.x with 1 worker (workers 2 -> 1)",
  };
  EXPECT_EQ(descriptions(candidates_for(plot, Question::kLose, ScenarioIndex(root), 1000)),
            expected);
  // Without the warning's report, the policy is unknown: withheld outright.
  plot.clear_first_actionable_msg();
  EXPECT_EQ(candidates_for(plot, Question::kLose, ScenarioIndex(root), 1000)[1].description,
            "agency.aa withholds from agency.bb (trust 0.7 -> 0)");
}

}  // namespace
}  // namespace tearline::whatif
