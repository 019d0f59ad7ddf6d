// explain() on a small report built here, with names and numbers of no
// scenario: every sentence must follow from these facts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/explain/why.h"

namespace tearline::explain {
namespace {

v1::SharingDecision decision(const std::string& agency, const std::string& partner, uint32_t count,
                             const std::string& source_value, double trust, double full_min,
                             double sanitised_min) {
  v1::SharingDecision result;
  result.set_handoff("sharing@" + agency);
  result.set_node(agency);
  result.set_for_(partner);
  result.set_count(count);
  result.set_source_value(source_value);
  result.set_trust(trust);
  result.set_full_trust_min(full_min);
  result.set_sanitised_trust_min(sanitised_min);
  return result;
}

v1::Hop hop(const std::string& handoff, const std::string& node, double in_h,
            std::optional<double> out_h) {
  v1::Hop result;
  result.set_handoff(handoff);
  result.set_node(node);
  result.set_in_h(in_h);
  if (out_h) result.set_out_h(*out_h);
  return result;
}

// agency.b withholds from agency.a; agency.c sanitises for it, and that
// copy expires in agency.a's database; a warning reaches unit.alpha late.
v1::RunReport synthetic_report() {
  v1::RunReport report;
  v1::ModeReport& mode = (*report.mutable_modes())["bilateral"];
  v1::RunInfo* run = mode.mutable_run();
  run->set_start_iso("2020-01-01T00:00:00Z");
  run->add_agencies("agency.a");
  run->add_agencies("agency.b");
  run->add_agencies("agency.c");
  auto* unit = run->add_units();
  unit->set_name("unit.alpha");
  unit->set_area("alpha");
  unit->set_response_h(24);
  unit->set_agency("agency.a");

  v1::PlotOutcome* plot = mode.add_plots();
  plot->set_id("plot.x");
  plot->set_area("alpha");
  plot->set_attack_h(100);
  v1::SharingDecision withheld = decision("agency.b", "agency.a", 2, "officer", 0.25, 0.8, 0.4);
  withheld.set_reason("withheld:source-protection");
  *plot->add_withheld_at() = withheld;
  v1::SharingDecision sanitised = decision("agency.c", "agency.a", 1, "technical", 0.5, 0.6, 0.2);
  sanitised.add_detail_left("subject");
  *plot->add_degraded_at() = sanitised;

  v1::Copy* source = plot->add_copies();
  source->set_msg("c-1");
  source->set_fate("delivered");
  *source->add_hops() = hop("desk@agency.c", "agency.c", 10, 12);
  v1::Copy* tearline = plot->add_copies();
  tearline->set_msg("c-1>agency.a");
  tearline->set_parent("c-1");
  tearline->set_fate("lost");
  tearline->set_reason("expired:backlog");
  *tearline->add_hops() = hop("sharing@agency.c", "agency.c", 12, 12);
  *tearline->add_hops() = hop("agency.c->agency.a", "agency.c", 12, 14);
  *tearline->add_hops() = hop("database@agency.a", "agency.a", 14, std::nullopt);

  // c-2 reaches unit.alpha after 66 hours in agency.a's database.
  v1::Copy* source_2 = plot->add_copies();
  source_2->set_msg("c-2");
  source_2->set_fate("delivered");
  *source_2->add_hops() = hop("desk@agency.c", "agency.c", 10, 12);
  v1::Copy* shared = plot->add_copies();
  shared->set_msg("c-2>agency.a");
  shared->set_parent("c-2");
  shared->set_fate("delivered");
  *shared->add_hops() = hop("agency.c->agency.a", "agency.c", 12, 14);
  *shared->add_hops() = hop("database@agency.a", "agency.a", 14, 80);
  v1::Copy* polled = plot->add_copies();
  polled->set_msg("c-2>agency.a>unit.alpha");
  polled->set_parent("c-2>agency.a");
  polled->set_fate("delivered");
  *polled->add_hops() = hop("agency.a->unit.alpha", "agency.a", 82, 85);
  *polled->add_hops() = hop("intake@unit.alpha", "unit.alpha", 85, 90);

  for (const auto& [handoff, node, reason, count] :
       {std::tuple{"database@agency.a", "agency.a", "expired:backlog", 1},
        {"agency.c->agency.a", "agency.c", "liaison-loss", 3}}) {
    v1::CopyEnd* end = plot->add_lost_at();
    end->set_handoff(handoff);
    end->set_node(node);
    end->set_reason(reason);
    end->set_fate("lost");
    end->set_count(uint32_t(count));
  }
  v1::Warning* warning = plot->add_warnings_not_actionable();
  warning->set_unit("unit.alpha");
  warning->set_msg("c-2>agency.a>unit.alpha");
  warning->set_at_h(90);
  warning->add_detail("subject");
  warning->add_detail("site");
  warning->set_actionable(true);
  warning->set_in_time(false);
  warning->set_respond_by_h(76);
  return report;
}

std::vector<std::string> texts(const Story& story) {
  std::vector<std::string> result;
  for (const Fact& fact : story.facts) result.push_back(fact.text);
  return result;
}

TEST(WhySyntheticTest, EachSentenceFollowsFromTheFacts) {
  const std::vector<Story> stories = explain(synthetic_report());
  ASSERT_EQ(stories.size(), 1u);
  const Story& story = stories[0];
  EXPECT_EQ(story.plot, "plot.x");
  EXPECT_EQ(story.mode, "bilateral");
  EXPECT_FALSE(story.averted);
  EXPECT_EQ(story.headline,
            "Not averted: 1 warning reached unit.alpha, but it came too late to act on.");
  EXPECT_EQ(
      texts(story),
      (std::vector<std::string>{
          "The intelligence was held by agency.b and agency.c.",
          "agency.b withheld 2 copies from agency.a to protect its source: it trusts agency.a at "
          "0.25, under the 0.4 its policy asks to share an officer's report even sanitised.",
          "agency.c sanitised 1 copy for agency.a, leaving only subject: it trusts agency.a at "
          "0.5, under the 0.6 its policy asks to share a technical source's report in full.",
          "That copy expired unread in database@agency.a, there since 1 January 2020 14:00.",
          "3 copies were lost on the link agency.c->agency.a (liaison-loss).",
          "1 warning reached unit.alpha on 4 January 2020 18:00 with subject and site: too late: "
          "14 hours after the unit had to act, by 4 January 2020 04:00 (the attack less its "
          "response time of 1 day); on its way it waited longest in database@agency.a, 2 days 18 "
          "hours."}));
  // Each fact names the handoff it is about.
  std::vector<std::string> handoffs;
  for (const Fact& fact : story.facts) handoffs.push_back(fact.handoff);
  EXPECT_EQ(handoffs, (std::vector<std::string>{"desk@agency.c", "sharing@agency.b",
                                                "sharing@agency.c", "database@agency.a",
                                                "agency.c->agency.a", "intake@unit.alpha"}));
}

TEST(WhySyntheticTest, WithoutTrustFieldsItNamesThePolicyWithoutNumbers) {
  v1::RunReport report = synthetic_report();
  v1::PlotOutcome& plot = *(*report.mutable_modes())["bilateral"].mutable_plots(0);
  for (auto* decisions : {plot.mutable_withheld_at(), plot.mutable_degraded_at()}) {
    for (v1::SharingDecision& each : *decisions) {
      each.clear_source_value();
      each.clear_trust();
      each.clear_full_trust_min();
      each.clear_sanitised_trust_min();
    }
  }
  const std::vector<std::string> facts = texts(explain(report).at(0));
  EXPECT_EQ(facts.at(1),
            "agency.b withheld 2 copies from agency.a under its sharing policy, to protect its "
            "source.");
  EXPECT_EQ(facts.at(2),
            "agency.c sanitised 1 copy for agency.a, leaving only subject, under its sharing "
            "policy.");
}

TEST(WhySyntheticTest, WithoutWarningsTheHeadlineNamesTheMainLoss) {
  v1::RunReport report = synthetic_report();
  v1::PlotOutcome& plot = *(*report.mutable_modes())["bilateral"].mutable_plots(0);
  plot.clear_warnings_not_actionable();
  EXPECT_EQ(explain(report).at(0).headline,
            "Not averted: no warning reached a unit of alpha; agency.b withheld 2 copies from "
            "agency.a to protect a source.");
  plot.clear_withheld_at();
  EXPECT_EQ(explain(report).at(0).headline,
            "Not averted: no warning reached a unit of alpha; 3 copies were lost on the link "
            "agency.c->agency.a (liaison-loss).");
}

// A centre that withheld a copy from a unit for its TLP label: said in the
// headline and the facts, and the centre is no holder of the intelligence.
TEST(WhySyntheticTest, ACopyWithheldForItsCaveatIsToldWithTheLabel) {
  v1::RunReport report = synthetic_report();
  v1::PlotOutcome& plot = *(*report.mutable_modes())["bilateral"].mutable_plots(0);
  plot.clear_warnings_not_actionable();
  plot.clear_withheld_at();
  v1::SharingDecision* refused = plot.add_withheld_at();
  refused->set_handoff("route@centre");
  refused->set_node("centre");
  refused->set_for_("unit.alpha");
  refused->set_count(1);
  refused->set_reason("withheld:tlp-amber-strict");
  const Story story = explain(report).at(0);
  EXPECT_EQ(story.headline,
            "Not averted: no warning reached a unit of alpha; centre withheld 1 copy from "
            "unit.alpha as TLP labels require.");
  const std::vector<std::string> facts = texts(story);
  EXPECT_EQ(facts.at(0), "The intelligence was held by agency.c (2 reports).");
  EXPECT_EQ(facts.at(1),
            "centre withheld 1 copy from unit.alpha: marked TLP AMBER+STRICT, which goes no "
            "further than its originating agency's country.");
}

TEST(WhySyntheticTest, HoldersAreCountedWhereTheCopiesTellForEach) {
  v1::RunReport report = synthetic_report();
  (*report.mutable_modes())["bilateral"].mutable_plots(0)->clear_withheld_at();
  EXPECT_EQ(explain(report).at(0).facts.at(0).text,
            "The intelligence was held by agency.c (2 reports).");
}

TEST(WhySyntheticTest, AnAvertedPlotTellsItsPathLeadTimeAndCentreMember) {
  v1::RunReport report = synthetic_report();
  v1::ModeReport& mode = (*report.mutable_modes())["coordinated"];
  *mode.mutable_run() = report.modes().at("bilateral").run();
  v1::PlotOutcome* plot = mode.add_plots();
  plot->set_id("plot.x");
  plot->set_area("alpha");
  plot->set_attack_h(100);
  plot->set_averted(true);
  plot->set_first_actionable_unit("unit.alpha");
  plot->set_first_actionable_at_h(50);
  plot->set_lead_time_h(50);
  plot->set_centre_member("centre.b");
  for (const char* step : {"desk@agency.c", "agency.c->centre", "officers@centre",
                           "centre.b->unit.alpha", "intake@unit.alpha"}) {
    plot->add_path(step);
  }
  const std::vector<Story> stories = explain(report);
  ASSERT_EQ(stories.size(), 2u);
  EXPECT_EQ(stories[0].mode, "bilateral");  // Modes in name order.
  const Story& story = stories[1];
  EXPECT_TRUE(story.averted);
  EXPECT_EQ(story.headline,
            "Averted: an actionable warning reached unit.alpha on 3 January 2020 02:00, 2 days 2 "
            "hours before the attack.");
  ASSERT_EQ(story.facts.size(), 3u);
  EXPECT_EQ(story.facts[0].text, "The intelligence was held by agency.c.");
  EXPECT_EQ(story.facts[1].text,
            "Its path: desk@agency.c > agency.c->centre > officers@centre > centre.b->unit.alpha > "
            "intake@unit.alpha.");
  EXPECT_EQ(story.facts[2].text, "The centre's member centre.b sent it to the unit.");
  EXPECT_EQ(story.facts[2].handoff, "centre.b->unit.alpha");
}

TEST(WhySyntheticTest, FaultsAreToldWithTheirCostAndManyAreSummed) {
  v1::RunReport report = synthetic_report();
  v1::ModeReport& mode = (*report.mutable_modes())["bilateral"];
  for (uint32_t i = 0; i < 8; ++i) {
    v1::FaultEffect* fault = mode.add_faults();
    fault->set_node("agency.a");
    fault->set_t_h(24 * i);
    fault->set_fault(i == 7 ? "queue database@agency.a workers=0" : "pause");
    fault->set_by("chaos");
    if (i > 0) (*fault->mutable_lost())["link-loss"] = i;
    fault->set_delayed(1);
    if (i == 7) fault->set_until_h(24 * i + 5);
    if (i == 7) fault->add_plots("plot.x");
  }
  mode.add_plots()->set_id("plot.x");  // Not averted: the fault's line says so.
  const std::vector<FaultLine> lines = explain_faults(report);
  ASSERT_EQ(lines.size(), 6u);  // The five costliest, then the rest summed.
  EXPECT_EQ(lines[0].mode, "bilateral");
  EXPECT_EQ(lines[0].fact.text,
            "agency.a: queue database@agency.a workers=0 by chaos, from 8 January 2020 00:00 for "
            "5 hours: 7 messages lost and 1 message delayed (link-loss 7); it touched plot.x (not "
            "averted).");
  EXPECT_EQ(lines[0].fact.handoff, "database@agency.a");
  EXPECT_EQ(lines[1].fact.text,
            "agency.a: pause by chaos, from 7 January 2020 00:00 to the end of the run: 6 messages "
            "lost and 1 message delayed (link-loss 6).");
  EXPECT_EQ(lines[5].fact.text,
            "3 more faults, each costing less, cost 3 messages lost and 3 messages delayed in "
            "all.");
}

TEST(WhySyntheticTest, AnchorsKeepOnlySafeCharacters) {
  EXPECT_EQ(anchor_of("bilateral", "agency.us->agency.uk"), "h-bilateral-agency.us-_agency.uk");
  EXPECT_EQ(anchor_of("coordinated", "desk@agency.us"), "h-coordinated-desk_agency.us");
}

}  // namespace
}  // namespace tearline::explain
