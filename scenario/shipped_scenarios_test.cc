// The scenarios shipped in scenarios/: each loads, and the default ones say
// what scenarios/README.md says they do.
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/scenario.h"
#include "scenario/scenario_overlay.h"
#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

TEST(ShippedScenarioTest, EveryScenarioLoads) {
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(source_path("scenarios"))) {
    if (entry.path().extension() != ".toml") continue;
    try {
      const Scenario scenario = load_scenario(entry.path().string());
      EXPECT_TRUE(names.insert(scenario.name).second) << "duplicate name " << scenario.name;
      EXPECT_EQ(entry.path().stem().string(), scenario.name) << "file and scenario names differ";
      EXPECT_FALSE(scenario.plots.empty()) << scenario.name;
      EXPECT_FALSE(scenario.reports.empty()) << scenario.name;
    } catch (const ScenarioError& error) {
      ADD_FAILURE() << error.what();
    }
  }
  EXPECT_TRUE(names.count("manchester-2017"));
  EXPECT_TRUE(names.count("manchester-2017-full-sharing"));
  EXPECT_TRUE(names.count("small"));
}

const PlotSpec& plot(const Scenario& scenario, const std::string& id) {
  for (const PlotSpec& candidate : scenario.plots) {
    if (candidate.id == id) return candidate;
  }
  throw std::out_of_range("no plot " + id);
}

const ReportSpec& report(const Scenario& scenario, const std::string& id) {
  for (const ReportSpec& candidate : scenario.reports) {
    if (candidate.id == id) return candidate;
  }
  throw std::out_of_range("no report " + id);
}

double trust(const AgencySpec& agency, const std::string& partner) {
  for (const PartnerSpec& candidate : agency.partners) {
    if (candidate.agency == partner) return candidate.trust;
  }
  throw std::out_of_range(agency.name + " has no partner " + partner);
}

// Arrivals over service capacity: 1 or more means the queue never drains.
double utilisation(const AgencySpec& agency) {
  return agency.background.rate_per_h * agency.database.service.mean_total_h() /
         agency.database.workers;
}

TEST(ShippedScenarioTest, Manchester2017FollowsThePublicRecord) {
  const Scenario scenario = load_scenario(source_path("scenarios/manchester-2017.toml"));
  EXPECT_EQ(scenario.start_iso, "2017-03-15T00:00:00Z");
  EXPECT_DOUBLE_EQ(scenario.duration_h, 79 * 24);  // Until 2 June, after the 31 May meeting.
  EXPECT_DOUBLE_EQ(scenario.ms_per_scenario_hour, 4);

  // 22 May 22:31 BST is 21:31 UTC, 68 days after the start.
  const PlotSpec& manchester = plot(scenario, "plot.manchester-2017-05-22");
  EXPECT_DOUBLE_EQ(manchester.attack_h, 68 * 24 + 21 + 31.0 / 60);
  EXPECT_EQ(manchester.area, "manchester");
  // 3 April 14:40 MSK is 11:40 UTC, 19 days after the start.
  EXPECT_DOUBLE_EQ(plot(scenario, "plot.stpetersburg-2017-04-03").attack_h,
                   19 * 24 + 11 + 40.0 / 60);

  const ReportSpec& insider = report(scenario, "us-manchester-1");
  EXPECT_EQ(insider.agency, "agency.us");
  EXPECT_EQ(insider.subject, "subject-m");
  EXPECT_EQ(insider.site, "arena");
  ASSERT_TRUE(insider.window.has_value());
  EXPECT_LE(insider.window->start_h(), manchester.attack_h);
  EXPECT_GE(insider.window->end_h(), manchester.attack_h);
  EXPECT_LT(insider.at_h, manchester.attack_h - scenario.unit("unit.manchester")->response_h);

  // The tearline copy: agency.us trusts agency.uk enough to share an insider
  // report sanitised, not in full.
  const AgencySpec& us = *scenario.agency("agency.us");
  const SharingPolicy::ByValue& insider_rule = us.policy.by_source_value.at("insider");
  EXPECT_LT(trust(us, "agency.uk"), insider_rule.full_trust_min);
  EXPECT_GE(trust(us, "agency.uk"), insider_rule.sanitised_trust_min);

  // The UK database runs at saturation, with relevance priority.
  const AgencySpec& uk = *scenario.agency("agency.uk");
  EXPECT_GE(utilisation(uk), 0.95);
  EXPECT_EQ(uk.database.priority, QueueConfig::Priority::kRelevance);

  // St Petersburg fragments: area and method only.
  for (const char* id : {"ru-stpetersburg-1", "ru-stpetersburg-2"}) {
    const ReportSpec& fragment = report(scenario, id);
    EXPECT_EQ(fragment.area, "stpetersburg");
    EXPECT_TRUE(fragment.method.has_value());
    EXPECT_FALSE(fragment.subject || fragment.site || fragment.window) << id;
  }
}

TEST(ShippedScenarioTest, FullSharingRemovesBothBilateralBottlenecks) {
  const Scenario scenario =
      load_scenario(source_path("scenarios/manchester-2017-full-sharing.toml"));
  const AgencySpec& us = *scenario.agency("agency.us");
  EXPECT_GE(trust(us, "agency.uk"), us.policy.by_source_value.at("insider").full_trust_min);
  EXPECT_LT(utilisation(*scenario.agency("agency.uk")), 0.5);

  // Everything else is the same scenario.
  const Scenario base = load_scenario(source_path("scenarios/manchester-2017.toml"));
  EXPECT_EQ(scenario.reports.size(), base.reports.size());
  EXPECT_EQ(scenario.node_names(), base.node_names());
  EXPECT_EQ(scenario.links.size(), base.links.size());
  EXPECT_EQ(scenario.seed, base.seed);
}

// The variants are overlays of manchester-2017 (scenarios/README.md,
// "Overlays"): short, and resolved into the base with their differences.
TEST(ShippedScenarioTest, VariantsAreShortOverlaysOfManchester2017) {
  const Scenario base = load_scenario(source_path("scenarios/manchester-2017.toml"));
  const std::map<std::string, size_t> faults = {{"manchester-2017-full-sharing", 0},
                                                {"manchester-2017-centre-down", 2},
                                                {"manchester-2017-centre-down-no-standby", 1}};
  for (const auto& [name, fault_count] : faults) {
    const std::string path = source_path("scenarios/" + name + ".toml");
    std::ifstream in(path);
    size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    EXPECT_LE(lines, 80u) << name;
    EXPECT_TRUE(resolve_scenario_file(path).overlay) << name;
    const Scenario variant = load_scenario(path);
    EXPECT_EQ(variant.name, name);
    EXPECT_EQ(variant.faults.size(), fault_count) << name;
    EXPECT_EQ(variant.reports.size(), base.reports.size()) << name;
    EXPECT_EQ(variant.plots.size(), base.plots.size()) << name;
    EXPECT_EQ(variant.links.size(), base.links.size()) << name;
    EXPECT_EQ(variant.agencies.size(), base.agencies.size()) << name;
    EXPECT_EQ(variant.seed, base.seed) << name;
  }
  EXPECT_EQ(load_scenario(source_path("scenarios/manchester-2017-centre-down.toml")).broker.standby,
            "broker.b");
  EXPECT_EQ(load_scenario(source_path("scenarios/manchester-2017-full-sharing.toml"))
                .agency("agency.uk")
                ->database.workers,
            6);
}

TEST(ShippedScenarioTest, SmallSharesOneReportSanitisedAndOneInFull) {
  const Scenario scenario = load_scenario(source_path("scenarios/small.toml"));
  EXPECT_LE(scenario.duration_h * scenario.ms_per_scenario_hour, 2500);  // About 2 s.
  const AgencySpec& bb = *scenario.agency("agency.bb");
  const double bb_trusts_aa = trust(bb, "agency.aa");
  const auto& rules = bb.policy.by_source_value;
  EXPECT_LT(bb_trusts_aa, rules.at("insider").full_trust_min);
  EXPECT_GE(bb_trusts_aa, rules.at("insider").sanitised_trust_min);
  EXPECT_GE(bb_trusts_aa, rules.at("officer").full_trust_min);
}

// --- Errors --------------------------------------------------------------------

}  // namespace
}  // namespace tearline
