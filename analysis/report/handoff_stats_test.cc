#include "analysis/read/handoff_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "analysis/read/percentiles.h"
#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;

const json& row_named(const json& rows, const std::string& name) {
  for (const json& row : rows) {
    if (row["name"] == name) return row;
  }
  static const json kNone;
  ADD_FAILURE() << "no row " << name << " in " << rows.dump();
  return kNone;
}

json wall(int64_t ms) { return {{"wall_ms", ms}}; }

// The report's handoff rows of `events` (HandoffTable); its balance
// anomalies go to *anomalies.
json rows_of(const std::vector<Event>& events, json* anomalies) {
  const json mode = testing::mode_json(events);
  for (const json& anomaly : mode["anomalies"]) {
    if (anomaly["check"] == "handoff_balance") anomalies->push_back(anomaly);
  }
  return mode["handoffs"];
}

json percentiles_of(std::vector<double> values) {
  v1::Percentiles out;
  fill_percentiles(&values, &out);
  const auto value = [](bool has, double v) { return has ? json(v) : json(); };
  return {{"n", out.n()},
          {"p50", value(out.has_p50(), out.p50())},
          {"p90", value(out.has_p90(), out.p90())},
          {"p99", value(out.has_p99(), out.p99())},
          {"max", value(out.has_max(), out.max())}};
}

// (from_h, to_h, count) of each bin.
std::vector<std::tuple<double, double, uint32_t>> bins_of(const v1::Histogram& histogram) {
  std::vector<std::tuple<double, double, uint32_t>> bins;
  for (const auto& bin : histogram.bins()) bins.emplace_back(bin.from_h(), bin.to_h(), bin.count());
  return bins;
}

TEST(ClassifyHandoff, ByName) {
  const HandoffName link = classify_handoff("agency.us->unit.manchester");
  EXPECT_EQ(link.type, HandoffType::kLink);
  EXPECT_EQ(link.from, "agency.us");
  EXPECT_EQ(link.to, "unit.manchester");
  const HandoffName queue = classify_handoff("officers@broker");
  EXPECT_EQ(queue.type, HandoffType::kQueue);
  EXPECT_EQ(queue.from, "broker");
  EXPECT_EQ(queue.to, "broker");
  EXPECT_EQ(classify_handoff("intake@unit.leeds").type, HandoffType::kQueue);
  EXPECT_EQ(classify_handoff("sharing@agency.us").type, HandoffType::kDecision);
  EXPECT_EQ(classify_handoff("route@broker").type, HandoffType::kOther);
  EXPECT_EQ(classify_handoff("poll@agency.uk").type, HandoffType::kOther);
  EXPECT_EQ(classify_handoff("source@agency.us").type, HandoffType::kOther);
}

TEST(Percentiles, NearestRank) {
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(percentiles_of(hundred),
            json({{"n", 100}, {"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"max", 100.0}}));
  EXPECT_EQ(percentiles_of({7, 1, 3}),
            json({{"n", 3}, {"p50", 3}, {"p90", 7}, {"p99", 7}, {"max", 7}}));
  EXPECT_EQ(
      percentiles_of({}),
      json({{"n", 0}, {"p50", nullptr}, {"p90", nullptr}, {"p99", nullptr}, {"max", nullptr}}));
}

TEST(Histogram, LinearUnlessTheTailIsLongAndTheLastBinHoldsTheMax) {
  v1::Histogram none;
  fill_histogram({}, &none);
  EXPECT_EQ(none.bins_size(), 0);

  std::vector<double> even;  // 0, 1, ..., 23
  for (int i = 0; i < 24; ++i) even.push_back(i);
  v1::Histogram linear;
  fill_histogram(even, &linear);
  EXPECT_FALSE(linear.log());
  const auto bins = bins_of(linear);
  ASSERT_EQ(bins.size(), kHistogramBins);
  EXPECT_EQ(bins[0], std::make_tuple(0.0, 23.0 / 12, 2u));  // 0 and 1.
  EXPECT_EQ(std::get<1>(bins.back()), 23.0);
  uint32_t total = 0;
  for (const auto& [from_h, to_h, count] : bins) total += count;
  EXPECT_EQ(total, 24u);
  EXPECT_EQ(std::get<2>(bins.back()), 2u);  // From 23 * 11 / 12: 22 and the max.

  // A long tail: p50 1 h, max 1000 h.
  std::vector<double> tail = {0, 1, 1, 1, 1, 2, 3, 1000};
  std::sort(tail.begin(), tail.end());
  v1::Histogram log;
  fill_histogram(tail, &log);
  EXPECT_TRUE(log.log());
  const auto log_bins = bins_of(log);
  ASSERT_EQ(log_bins.size(), kHistogramBins);
  EXPECT_EQ(log_bins[0], std::make_tuple(0.0, 0.5, 1u));  // Below half the median: 0.
  EXPECT_EQ(std::get<0>(log_bins[1]), 0.5);
  EXPECT_DOUBLE_EQ(std::get<1>(log_bins.back()), 1000.0);
  EXPECT_EQ(std::get<2>(log_bins.back()), 1u);
  uint32_t log_total = 0;
  for (const auto& [from_h, to_h, count] : log_bins) log_total += count;
  EXPECT_EQ(log_total, 8u);

  v1::Histogram zeros;
  fill_histogram({0, 0}, &zeros);
  ASSERT_EQ(zeros.bins_size(), 1);
  EXPECT_EQ(zeros.bins(0).count(), 2u);
}

TEST(HandoffRows, LinkCountsResendsLossesAndDelayFromFirstSend) {
  json anomalies = json::array();
  const json rows = rows_of(
      events_of({
          line("created", "m1", "broker->unit.leeds", 1),  // Not an "in" of a link.
          line("sent", "m1", "broker->unit.leeds", 1, wall(1000)),
          line("received", "m1", "broker->unit.leeds", 3, wall(1020)),
          line("sent", "m2", "broker->unit.leeds", 1, wall(1000)),
          line("attempt_lost", "m2", "broker->unit.leeds", 2, {{"reason", "link-loss"}}),
          line("resent", "m2", "broker->unit.leeds", 2, wall(1010)),
          line("received", "m2", "broker->unit.leeds", 6, wall(1050)),
          line("acked", "m2", "broker->unit.leeds", 6.5),
          line("sent", "m3", "broker->unit.leeds", 1),
          line("lost", "m3", "broker->unit.leeds", 9, {{"reason", "deadline:unacknowledged"}}),
          line("sent", "m4", "broker->unit.leeds", 1),
          line("in_flight", "m4", "broker->unit.leeds", 10, {{"reason", "awaiting ack"}}),
          line("delivered", "m1", "route@broker", 0.5),  // Not a row.
      }),
      &anomalies);
  ASSERT_EQ(rows.size(), 1u);
  const json& link = row_named(rows, "broker->unit.leeds");
  EXPECT_EQ(link["type"], "link");
  EXPECT_EQ(link["from"], "broker");
  EXPECT_EQ(link["to"], "unit.leeds");
  EXPECT_EQ(link["in"], 4);
  EXPECT_EQ(link["out"], 2);
  EXPECT_EQ(link["lost"], json({{"deadline:unacknowledged", 1}}));
  EXPECT_EQ(link["in_flight"], 1);
  EXPECT_EQ(link["resent"], 1);
  EXPECT_EQ(link["attempts_lost"], 1);
  EXPECT_EQ(link["acked"], 1);
  EXPECT_EQ(link["delay_h"],
            json({{"n", 2}, {"p50", 2.0}, {"p90", 5.0}, {"p99", 5.0}, {"max", 5.0}}));
  EXPECT_EQ(link["delay_wall_ms"],
            json({{"n", 2}, {"p50", 20}, {"p90", 50}, {"p99", 50}, {"max", 50}}));
  EXPECT_FALSE(link.contains("wait_h"));
  EXPECT_TRUE(anomalies.empty()) << anomalies.dump();
}

TEST(HandoffRows, QueueSplitsWaitAndServiceAndCountsRefusalsAsIn) {
  json anomalies = json::array();
  const std::string desk = "desk@agency.uk";
  const json rows = rows_of(events_of({
                                line("queued", "m1", desk, 0, wall(0)),
                                line("dequeued", "m1", desk, 1, wall(10)),
                                line("served", "m1", desk, 1.5, wall(15)),
                                line("queued", "m2", desk, 0, wall(0)),
                                line("dequeued", "m2", desk, 2, wall(20)),
                                line("served", "m2", desk, 4, wall(40)),
                                line("lost", "m3", desk, 0.2, {{"reason", "dropped:queue-full"}}),
                                line("queued", "m4", desk, 0.1),
                                line("expired", "m4", desk, 48, {{"reason", "expired:backlog"}}),
                                line("queued", "m5", desk, 0.3),
                                line("in_flight", "m5", desk, 50, {{"reason", "queued"}}),
                            }),
                            &anomalies);
  const json& queue = row_named(rows, desk);
  EXPECT_EQ(queue["type"], "queue");
  EXPECT_EQ(queue["from"], "agency.uk");
  EXPECT_EQ(queue["in"], 5);
  EXPECT_EQ(queue["out"], 2);
  EXPECT_EQ(queue["lost"], json({{"dropped:queue-full", 1}, {"expired:backlog", 1}}));
  EXPECT_EQ(queue["lost_total"], 2);
  EXPECT_EQ(queue["in_flight"], 1);
  EXPECT_EQ(queue["wait_h"]["p50"], 1.0);
  EXPECT_EQ(queue["wait_h"]["max"], 2.0);
  EXPECT_EQ(queue["service_h"]["p50"], 0.5);
  EXPECT_EQ(queue["service_h"]["max"], 2.0);
  EXPECT_EQ(queue["delay_h"]["p50"], 1.5);
  EXPECT_EQ(queue["delay_h"]["max"], 4.0);
  EXPECT_EQ(queue["wait_wall_ms"]["max"], 20);
  EXPECT_EQ(queue["service_wall_ms"]["p50"], 5);
  EXPECT_TRUE(anomalies.empty()) << anomalies.dump();
}

TEST(HandoffRows, DecisionCountsSharedSanitisedAndWithheld) {
  json anomalies = json::array();
  const std::string sharing = "sharing@agency.us";
  const json rows =
      rows_of(events_of({
                  line("created", "full", sharing, 1),
                  line("shared", "full", sharing, 1),
                  line("created", "thin", sharing, 1),
                  line("sanitised", "thin", sharing, 1),
                  line("created", "kept", sharing, 1),
                  line("withheld", "kept", sharing, 1, {{"reason", "withheld:source-protection"}}),
              }),
              &anomalies);
  const json& decision = row_named(rows, sharing);
  EXPECT_EQ(decision["type"], "decision");
  EXPECT_EQ(decision["in"], 3);
  EXPECT_EQ(decision["out"], 2);
  EXPECT_EQ(decision["lost"], json({{"withheld:source-protection", 1}}));
  EXPECT_EQ(decision["shared_full"], 1);
  EXPECT_EQ(decision["sanitised"], 1);
  EXPECT_EQ(decision["delay_h"]["max"], 0.0);
  EXPECT_TRUE(anomalies.empty()) << anomalies.dump();
}

TEST(HandoffRows, UnbalancedRowIsAnAnomalyNotACrash) {
  json anomalies = json::array();
  const json rows = rows_of(events_of({
                                line("sent", "m1", "agency.us->agency.uk", 1),
                                line("received", "m1", "agency.us->agency.uk", 2),
                                line("sent", "m2", "agency.us->agency.uk", 1),
                            }),
                            &anomalies);
  EXPECT_EQ(row_named(rows, "agency.us->agency.uk")["in"], 2);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(anomalies[0]["handoff"], "agency.us->agency.uk");
  EXPECT_EQ(anomalies[0]["message"], "agency.us->agency.uk: in 2 != out 1 + lost 0 + in flight 0");
}

}  // namespace
}  // namespace tearline::report
