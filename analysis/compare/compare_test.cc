#include "analysis/compare/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/compare/compare_text.h"
#include "analysis/compare/wording.h"
#include "analysis/report/report_json.h"

namespace tearline::compare {
namespace {

const std::filesystem::path kReports =
    std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/reports";

NamedReport fixture(const std::string& stem) {
  const std::string path = (kReports / (stem + ".report.json")).string();
  return {path, report::read_report_json(path)};
}

const v1::ModeComparison& mode_named(const v1::RunComparison& comparison, const std::string& mode) {
  for (const auto& compared : comparison.modes()) {
    if (compared.mode_a() == mode) return compared;
  }
  throw std::out_of_range("no mode " + mode);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CompareTest, TheFullSharingVariantAvertsManchesterBilaterallyAndDrainsTheUkBacklog) {
  const v1::RunComparison comparison =
      compare_runs(fixture("manchester-2017-seed1"), fixture("manchester-2017-full-sharing-seed1"));
  ASSERT_EQ(comparison.modes_size(), 2);
  EXPECT_EQ(comparison.modes(0).mode_a(), "bilateral");
  EXPECT_EQ(comparison.modes(1).mode_a(), "coordinated");

  const v1::ModeComparison& bilateral = mode_named(comparison, "bilateral");
  ASSERT_GE(bilateral.plots_size(), 2);
  const v1::PlotChange& first = bilateral.plots(0);  // Outcome changes first.
  EXPECT_EQ(first.id(), "plot.manchester-2017-05-22");
  EXPECT_EQ(first.outcome(), v1::PlotChange::NOW_AVERTED);
  EXPECT_NEAR(first.b().lead_time_h(), 300.52, 0.01);
  EXPECT_EQ(outcome_text(first), "not averted -> averted, lead 12d 13h");
  EXPECT_EQ(bilateral.plots(1).outcome(), v1::PlotChange::STILL_NOT_AVERTED);

  // The UK database no longer expires 161 reports nor holds 438 at the end.
  ASSERT_GE(bilateral.handoffs_size(), 2);
  const v1::HandoffChange& largest = bilateral.handoffs(0);
  EXPECT_EQ(largest.name(), "database@agency.uk");
  EXPECT_EQ(largest.lost().a(), 161u);
  EXPECT_EQ(largest.lost().delta(), -161);
  EXPECT_EQ(largest.in_flight().delta(), -436);
  // The partner shares in full instead of sanitising.
  bool sharing_changed = false;
  for (const auto& handoff : bilateral.handoffs()) {
    if (handoff.name() != "sharing@agency.us") continue;
    ASSERT_TRUE(handoff.has_sanitised());
    EXPECT_LT(handoff.sanitised().delta(), 0);
    EXPECT_GT(handoff.shared_full().delta(), 0);
    sharing_changed = handoff.changed();
  }
  EXPECT_TRUE(sharing_changed);
  // Full sharing exposes the insider's handle to the UK.
  EXPECT_EQ(bilateral.exposure().nodes().delta(), 1);

  ASSERT_EQ(comparison.caveats_size(), 1);
  EXPECT_TRUE(contains(comparison.caveats(0), "different scenarios")) << comparison.caveats(0);

  const std::string text = comparison_text(comparison);
  EXPECT_TRUE(contains(text, "plot.manchester-2017-05-22")) << text;
  EXPECT_TRUE(contains(text, "not averted -> averted, lead 12d 13h")) << text;
  EXPECT_TRUE(contains(text, "database@agency.uk")) << text;
  EXPECT_TRUE(contains(text, "161 -> 0 (-161)")) << text;
  EXPECT_LT(text.find("! different scenarios"), text.find("bilateral: A -> B")) << text;
}

TEST(CompareTest, HandoffsAreRankedByLossesAndInFlightThenByRelativeP90Change) {
  const v1::RunComparison comparison =
      compare_runs(fixture("manchester-2017-seed1"), fixture("manchester-2017-full-sharing-seed1"));
  for (const auto& mode : comparison.modes()) {
    for (int i = 1; i < mode.handoffs_size(); ++i) {
      const auto& before = mode.handoffs(i - 1);
      const auto& after = mode.handoffs(i);
      const int64_t losses_before =
          std::abs(before.lost().delta()) + std::abs(before.in_flight().delta());
      const int64_t losses_after =
          std::abs(after.lost().delta()) + std::abs(after.in_flight().delta());
      ASSERT_GE(losses_before, losses_after) << mode.mode_a() << " " << after.name();
      if (losses_before == losses_after) {
        ASSERT_GE(before.p90_relative_change(), after.p90_relative_change()) << after.name();
      }
    }
  }
}

TEST(CompareTest, ARunComparedWithItselfHasNoChangesAndNoCaveats) {
  for (const char* stem : {"manchester-2017-seed1", "manchester-2017-full-sharing-seed1"}) {
    SCOPED_TRACE(stem);
    const v1::RunComparison comparison = compare_runs(fixture(stem), fixture(stem));
    EXPECT_EQ(comparison.caveats_size(), 0);
    ASSERT_EQ(comparison.modes_size(), 2);
    for (const auto& mode : comparison.modes()) {
      EXPECT_FALSE(has_changes(mode)) << mode.mode_a();
      for (const auto& handoff : mode.handoffs()) {
        EXPECT_FALSE(handoff.changed()) << handoff.name();
      }
    }
    const std::string text = comparison_text(comparison);
    EXPECT_TRUE(contains(text, "No changes")) << text;
    // No count moved: a moved one reads "161 -> 0 (-161)".
    EXPECT_FALSE(contains(text, "(-")) << text;
    EXPECT_FALSE(contains(text, "(+")) << text;
  }
}

TEST(CompareTest, TheModesOfOneRunPutTheCentresLeadAgainstBilateralFailure) {
  const v1::RunComparison comparison =
      compare_modes(fixture("manchester-2017-seed1"), "bilateral", "coordinated");
  ASSERT_EQ(comparison.modes_size(), 1);
  EXPECT_EQ(comparison.caveats_size(), 0);
  const v1::ModeComparison& modes = comparison.modes(0);
  EXPECT_EQ(modes.mode_b(), "coordinated");
  EXPECT_EQ(outcome_text(modes.plots(0)), "not averted -> averted, lead 15d 22h");
  EXPECT_EQ(modes.exposure().nodes().delta(), -1);
  bool broker_link_only_in_b = false;
  for (const auto& handoff : modes.handoffs()) {
    if (handoff.name() == "agency.us->broker") {
      broker_link_only_in_b = handoff.presence() == v1::HandoffChange::ONLY_IN_B;
    }
  }
  EXPECT_TRUE(broker_link_only_in_b);
  EXPECT_TRUE(contains(comparison_text(comparison), "bilateral (A) -> coordinated (B)"));
}

TEST(CompareTest, AModeTheReportLacksIsNamed) {
  NamedReport run = fixture("manchester-2017-seed1");
  run.report.mutable_modes()->erase("coordinated");
  try {
    compare_modes(run, "bilateral", "coordinated");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "no coordinated mode")) << e.what();
    EXPECT_TRUE(contains(e.what(), run.path)) << e.what();
  }
}

TEST(CompareTest, DifferentSeedsFaultsAndModesAreFlaggedAtTheTop) {
  NamedReport other_seed = fixture("manchester-2017-seed1");
  other_seed.report.set_seed(2);
  other_seed.report.mutable_modes()->erase("coordinated");
  const v1::RunComparison seeds = compare_runs(fixture("manchester-2017-seed1"), other_seed);
  ASSERT_EQ(seeds.caveats_size(), 2);
  EXPECT_EQ(seeds.caveats(0), "different seeds (1, 2): differences mix chance and change");
  EXPECT_EQ(seeds.caveats(1), "mode coordinated only in A: not compared");
  EXPECT_EQ(seeds.modes_size(), 1);

  NamedReport partitioned = fixture("manchester-2017-seed1");
  v1::FaultEffect* fault = partitioned.report.mutable_modes()->at("bilateral").add_faults();
  fault->set_node("agency.us");
  fault->set_fault("partition agency.uk");
  const v1::RunComparison faults = compare_runs(fixture("manchester-2017-seed1"), partitioned);
  ASSERT_EQ(faults.caveats_size(), 1);
  EXPECT_EQ(faults.caveats(0),
            "different faults in bilateral (0 in A, 1 in B): differences include what they cost");
}

TEST(CompareTest, AReportThatDoesNotSayItsScenarioOrSeedIsFlagged) {
  const v1::RunComparison unknown = compare_runs({"a", {}}, {"b", {}});
  ASSERT_EQ(unknown.caveats_size(), 2);
  EXPECT_EQ(unknown.caveats(0), "scenario unknown in A and B: like may not be compared with like");
  EXPECT_EQ(unknown.caveats(1), "seed unknown in A and B: differences may mix chance and change");
  EXPECT_EQ(unknown.modes_size(), 0);
  EXPECT_NE(comparison_text(unknown).find("nothing compared"), std::string::npos);
}

v1::Handoff handoff(const std::string& name, uint32_t lost, uint32_t in_flight, double p90_h) {
  v1::Handoff h;
  h.set_name(name);
  h.set_in(100);
  h.set_lost_total(lost);
  h.set_in_flight(in_flight);
  h.set_out(100 - lost - in_flight);
  h.mutable_delay_h()->set_n(10);
  h.mutable_delay_h()->set_p90(p90_h);
  return h;
}

TEST(CompareTest, UntrustedHoursCannotWinTheRankingOrBreakTheOrder) {
  NamedReport a{"a", {}};
  NamedReport b{"b", {}};
  v1::ModeReport& mode_a = (*a.report.mutable_modes())["bilateral"];
  v1::ModeReport& mode_b = (*b.report.mutable_modes())["bilateral"];
  const double nan = std::numeric_limits<double>::quiet_NaN();
  *mode_a.add_handoffs() = handoff("losses-5", 0, 0, 1.0);
  *mode_b.add_handoffs() = handoff("losses-5", 5, 0, 1.0);
  *mode_a.add_handoffs() = handoff("losses-3-flight-3", 0, 3, 1.0);
  *mode_b.add_handoffs() = handoff("losses-3-flight-3", 3, 0, 1.0);
  *mode_a.add_handoffs() = handoff("p90-doubled", 0, 0, 2.0);
  *mode_b.add_handoffs() = handoff("p90-doubled", 0, 0, 4.0);
  *mode_a.add_handoffs() = handoff("p90-nan", 0, 0, 2.0);
  *mode_b.add_handoffs() = handoff("p90-nan", 0, 0, nan);
  *mode_a.add_handoffs() = handoff("p90-up-10pc", 0, 0, 10.0);
  *mode_b.add_handoffs() = handoff("p90-up-10pc", 0, 0, 11.0);
  v1::PlotOutcome* plot = mode_b.add_plots();
  plot->set_id("plot.x");
  plot->set_averted(true);
  plot->set_lead_time_h(std::numeric_limits<double>::infinity());

  const v1::ModeComparison mode = compare_runs(a, b).modes(0);
  ASSERT_EQ(mode.handoffs_size(), 5);
  EXPECT_EQ(mode.handoffs(0).name(), "losses-3-flight-3");  // |3| + |-3| = 6 > 5.
  EXPECT_EQ(mode.handoffs(1).name(), "losses-5");
  // A p90 that is NaN counts as absent: one side without a delay is a
  // relative change of 1, like the doubling's 0.5 it is ranked by.
  EXPECT_EQ(mode.handoffs(2).name(), "p90-nan");
  EXPECT_FALSE(mode.handoffs(2).delay_p90_h().has_b_h());
  EXPECT_EQ(mode.handoffs(3).name(), "p90-doubled");
  EXPECT_DOUBLE_EQ(mode.handoffs(3).p90_relative_change(), 0.5);
  EXPECT_EQ(mode.handoffs(4).name(), "p90-up-10pc");
  ASSERT_EQ(mode.plots_size(), 1);
  EXPECT_EQ(mode.plots(0).outcome(), v1::PlotChange::ONLY_IN_B);
  EXPECT_FALSE(mode.plots(0).b().has_lead_time_h());
  EXPECT_EQ(outcome_text(mode.plots(0)), "only in B (averted)");
}

TEST(CompareTest, DurationsReadInDaysAndHours) {
  EXPECT_EQ(duration_text(382.26), "15d 22h");
  EXPECT_EQ(duration_text(48.0), "2d");
  EXPECT_EQ(duration_text(7.54), "7.5h");
  EXPECT_EQ(duration_text(3.0), "3h");
  EXPECT_EQ(duration_text(-81.7, true), "-3d 10h");
  EXPECT_EQ(duration_text(0.5, true), "+0.5h");
  EXPECT_EQ(delta_text(-161), "-161");
  EXPECT_EQ(delta_text(3), "+3");
  EXPECT_EQ(delta_text(0), "0");
}

}  // namespace
}  // namespace tearline::compare
