#include "node/background.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tearline {
namespace {

const std::vector<std::string> kAreas = {"london", "manchester", "st-petersburg"};

BackgroundSpec spec(double rate_per_h) {
  BackgroundSpec result;
  result.rate_per_h = rate_per_h;
  result.severity_weights = {{v1::SEVERITY_LOW, 0.5}, {v1::SEVERITY_MODERATE, 0.5}};
  result.area_share = 0.5;
  result.field_share = 0.5;
  return result;
}

// Pops up to `count` reports (fewer if the stream ends) with their arrival
// hours.
struct Arrival {
  double at_h;
  v1::ThreatReport report;
};
std::vector<Arrival> pop_all(BackgroundStream& stream, int count) {
  std::vector<Arrival> arrivals;
  for (int i = 0; i < count && stream.next_h(); ++i) {
    const double at_h = *stream.next_h();
    arrivals.push_back({at_h, stream.pop()});
  }
  return arrivals;
}

TEST(BackgroundStreamTest, MeanInterArrivalIsTheReciprocalOfTheRate) {
  constexpr double kRatePerH = 2;
  constexpr int kDraws = 20'000;
  const Random random(12345);
  BackgroundStream stream("agency.uk", spec(kRatePerH), kAreas, random, 1e9);
  const std::vector<Arrival> arrivals = pop_all(stream, kDraws);
  ASSERT_EQ(arrivals.size(), static_cast<size_t>(kDraws));

  double previous_h = 0;
  for (const Arrival& arrival : arrivals) {
    EXPECT_GT(arrival.at_h, previous_h);
    previous_h = arrival.at_h;
  }
  // The mean of 20,000 exponential gaps has a standard error of 0.35% of the
  // mean; 5% is a 14-sigma bound (and the seed is fixed, so it cannot flake).
  const double mean_gap_h = previous_h / kDraws;
  EXPECT_NEAR(mean_gap_h, 1 / kRatePerH, 0.05 / kRatePerH);
}

TEST(BackgroundStreamTest, SameSeedGivesTheSameStream) {
  const Random random(77);
  const Random same(77);
  const Random other(78);
  BackgroundStream first("broker", spec(1), kAreas, random, 1000);
  BackgroundStream second("broker", spec(1), kAreas, same, 1000);
  BackgroundStream third("broker", spec(1), kAreas, other, 1000);
  const std::vector<Arrival> a = pop_all(first, 100);
  const std::vector<Arrival> b = pop_all(second, 100);
  const std::vector<Arrival> c = pop_all(third, 100);
  ASSERT_EQ(a.size(), 100u);
  ASSERT_EQ(b.size(), 100u);
  bool differs_from_other_seed = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].at_h, b[i].at_h);
    EXPECT_EQ(a[i].report.SerializeAsString(), b[i].report.SerializeAsString());
    if (i < c.size() && a[i].at_h != c[i].at_h) differs_from_other_seed = true;
  }
  EXPECT_TRUE(differs_from_other_seed);
}

TEST(BackgroundStreamTest, StreamsOfDifferentOwnersDiffer) {
  const Random random(77);
  BackgroundStream uk("agency.uk", spec(1), kAreas, random, 1000);
  BackgroundStream us("agency.us", spec(1), kAreas, random, 1000);
  ASSERT_TRUE(uk.next_h() && us.next_h());
  EXPECT_NE(*uk.next_h(), *us.next_h());
}

TEST(BackgroundStreamTest, NoArrivalAtOrAfterTheEnd) {
  constexpr double kEndH = 50;
  const Random random(5);
  BackgroundStream stream("agency.uk", spec(1), kAreas, random, kEndH);
  const std::vector<Arrival> arrivals = pop_all(stream, 10'000);
  EXPECT_FALSE(stream.next_h().has_value());
  // About 50 expected; the seed is fixed.
  EXPECT_GT(arrivals.size(), 25u);
  EXPECT_LT(arrivals.size(), 80u);
  for (const Arrival& arrival : arrivals) {
    EXPECT_LT(arrival.at_h, kEndH);
    EXPECT_EQ(arrival.report.observed_at_h(), arrival.at_h);
  }
}

TEST(BackgroundStreamTest, ZeroRateMeansNoArrivals) {
  const Random random(5);
  BackgroundStream stream("agency.uk", spec(0), kAreas, random, 1000);
  EXPECT_FALSE(stream.next_h().has_value());
}

TEST(BackgroundStreamTest, ReportsAreMarkedBackgroundAndValid) {
  const Random random(5);
  BackgroundStream stream("agency.uk", spec(1), kAreas, random, 1000);
  const std::vector<Arrival> arrivals = pop_all(stream, 50);
  ASSERT_EQ(arrivals.size(), 50u);
  for (size_t i = 0; i < arrivals.size(); ++i) {
    const v1::ThreatReport& report = arrivals[i].report;
    EXPECT_EQ(report.report_id(), "bg.agency.uk." + std::to_string(i));
    EXPECT_EQ(report.trace_id(), report.report_id());
    EXPECT_TRUE(report.background());
    EXPECT_NE(report.severity(), v1::SEVERITY_UNSPECIFIED);
    EXPECT_NE(report.tlp(), v1::TLP_UNSPECIFIED);
    // Background never carries a source identity.
    EXPECT_EQ(report.source().identity_case(), v1::Source::IDENTITY_NOT_SET);
  }
}

TEST(BackgroundStreamTest, ZeroAreaShareNamesNoArea) {
  BackgroundSpec no_area = spec(1);
  no_area.area_share = 0;
  const Random random(9);
  BackgroundStream stream("agency.uk", no_area, kAreas, random, 1e9);
  const std::vector<Arrival> arrivals = pop_all(stream, 2000);
  ASSERT_EQ(arrivals.size(), 2000u);
  for (const Arrival& arrival : arrivals) EXPECT_FALSE(arrival.report.has_area());
}

TEST(BackgroundStreamTest, FullAreaShareNamesOnlyScenarioAreasAndEachOfThem) {
  BackgroundSpec all_areas = spec(1);
  all_areas.area_share = 1;
  const Random random(9);
  BackgroundStream stream("agency.uk", all_areas, kAreas, random, 1e9);
  std::set<std::string> seen;
  for (const Arrival& arrival : pop_all(stream, 2000)) {
    ASSERT_TRUE(arrival.report.has_area());
    seen.insert(arrival.report.area());
  }
  EXPECT_EQ(seen, std::set<std::string>(kAreas.begin(), kAreas.end()));
}

TEST(BackgroundStreamTest, SeverityFollowsTheWeights) {
  BackgroundSpec weighted = spec(1);
  weighted.severity_weights = {{v1::SEVERITY_LOW, 0.7}, {v1::SEVERITY_HIGH, 0.3}};
  constexpr int kDraws = 10'000;
  const Random random(21);
  BackgroundStream stream("broker", weighted, kAreas, random, 1e9);
  std::map<v1::Severity, int> count_by_severity;
  for (const Arrival& arrival : pop_all(stream, kDraws)) {
    ++count_by_severity[arrival.report.severity()];
  }
  EXPECT_EQ(count_by_severity.size(), 2u) << "only weighted severities occur";
  // Standard error of a share of 0.3 over 10,000 draws is 0.0046; 0.03 is
  // over 6 sigma.
  EXPECT_NEAR(count_by_severity[v1::SEVERITY_LOW] / double{kDraws}, 0.7, 0.03);
  EXPECT_NEAR(count_by_severity[v1::SEVERITY_HIGH] / double{kDraws}, 0.3, 0.03);
}

TEST(BackgroundStreamTest, FieldShareControlsHowOftenFieldsArePresent) {
  BackgroundSpec none = spec(1);
  none.field_share = 0;
  BackgroundSpec all = spec(1);
  all.field_share = 1;
  const Random random(4);
  BackgroundStream sparse("agency.uk", none, kAreas, random, 1e9);
  BackgroundStream detailed("agency.uk", all, kAreas, random, 1e9);
  for (const Arrival& arrival : pop_all(sparse, 200)) {
    EXPECT_FALSE(arrival.report.has_subject());
    EXPECT_FALSE(arrival.report.has_site());
    EXPECT_FALSE(arrival.report.has_method());
    EXPECT_FALSE(arrival.report.has_window());
  }
  for (const Arrival& arrival : pop_all(detailed, 200)) {
    EXPECT_TRUE(arrival.report.has_subject());
    EXPECT_TRUE(arrival.report.has_site());
    EXPECT_TRUE(arrival.report.has_method());
    ASSERT_TRUE(arrival.report.has_window());
    EXPECT_GT(arrival.report.window().start_h(), arrival.at_h);
    EXPECT_GT(arrival.report.window().end_h(), arrival.report.window().start_h());
  }
}

}  // namespace
}  // namespace tearline
