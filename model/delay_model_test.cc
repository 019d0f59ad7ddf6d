#include "model/delay_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace tearline {
namespace {

constexpr int kDraws = 100000;

std::vector<double> samples_h(const DelayModel& delay, const Random& random) {
  std::vector<double> out;
  out.reserve(kDraws);
  for (int i = 0; i < kDraws; ++i) out.push_back(delay.sample_h(random, "d", std::to_string(i)));
  return out;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

TEST(DelayModelTest, NoneIsTheFixedPart) {
  const Random random(1);
  DelayModel delay;
  delay.fixed_h = 2.5;
  EXPECT_EQ(delay.sample_h(random, "d", "a"), 2.5);
  EXPECT_EQ(delay.sample_h(random, "d", "b", 7), 2.5);
  EXPECT_EQ(delay.mean_total_h(), 2.5);
}

TEST(DelayModelTest, ExponentialAddsItsMeanToTheFixedPart) {
  const Random random(2);
  DelayModel delay{
      .fixed_h = 1, .distribution = DelayModel::Distribution::kExponential, .mean_h = 3};
  const std::vector<double> draws_h = samples_h(delay, random);
  EXPECT_GE(*std::min_element(draws_h.begin(), draws_h.end()), 1.0);
  EXPECT_NEAR(mean(draws_h), 4.0, 0.06);
  EXPECT_EQ(delay.mean_total_h(), 4.0);
}

TEST(DelayModelTest, UniformStaysWithinItsBounds) {
  const Random random(3);
  DelayModel delay{
      .fixed_h = 10, .distribution = DelayModel::Distribution::kUniform, .min_h = 2, .max_h = 6};
  const std::vector<double> draws_h = samples_h(delay, random);
  EXPECT_GE(*std::min_element(draws_h.begin(), draws_h.end()), 12.0);
  EXPECT_LT(*std::max_element(draws_h.begin(), draws_h.end()), 16.0);
  EXPECT_NEAR(mean(draws_h), 14.0, 0.03);
  EXPECT_EQ(delay.mean_total_h(), 14.0);
}

TEST(DelayModelTest, LognormalHasTheRequestedMedianAndMean) {
  const Random random(4);
  DelayModel delay{
      .distribution = DelayModel::Distribution::kLognormal, .median_h = 8, .sigma = 0.5};
  std::vector<double> draws_h = samples_h(delay, random);
  const double expected_mean_h = 8 * std::exp(0.125);
  EXPECT_NEAR(delay.mean_total_h(), expected_mean_h, 1e-12);
  EXPECT_NEAR(mean(draws_h), expected_mean_h, expected_mean_h * 0.01);
  std::nth_element(draws_h.begin(), draws_h.begin() + kDraws / 2, draws_h.end());
  EXPECT_NEAR(draws_h[kDraws / 2], 8.0, 8.0 * 0.01);
}

TEST(DelayModelTest, NeverNegative) {
  const Random random(5);
  DelayModel delay{
      .fixed_h = -5, .distribution = DelayModel::Distribution::kUniform, .min_h = 0, .max_h = 10};
  const std::vector<double> draws_h = samples_h(delay, random);
  EXPECT_EQ(*std::min_element(draws_h.begin(), draws_h.end()), 0.0);
  EXPECT_GT(*std::max_element(draws_h.begin(), draws_h.end()), 4.0);
}

TEST(DelayModelTest, DrawsDependOnKeyAndDrawOnly) {
  const Random random(6);
  DelayModel delay{.distribution = DelayModel::Distribution::kExponential, .mean_h = 3};
  const double first_h = delay.sample_h(random, "d", "msg-1");
  EXPECT_EQ(delay.sample_h(Random(6), "d", "msg-1"), first_h);
  EXPECT_NE(delay.sample_h(random, "d", "msg-2"), first_h);
  EXPECT_NE(delay.sample_h(random, "d", "msg-1", 1), first_h);
  EXPECT_NE(delay.sample_h(random, "other", "msg-1"), first_h);
}

TEST(LossModelTest, ZeroNeverLosesAndOneAlwaysLoses) {
  const Random random(7);
  const LossModel never{.probability = 0};
  const LossModel always{.probability = 1};
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(never.lost(random, "l", std::to_string(i)));
    EXPECT_TRUE(always.lost(random, "l", std::to_string(i)));
  }
}

TEST(LossModelTest, LosesTheRequestedShareDeterministically) {
  const Random random(8);
  const LossModel loss{.probability = 0.3, .reason = "lost:link"};
  int lost_msgs = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::string key = std::to_string(i);
    const bool lost = loss.lost(random, "l", key);
    ASSERT_EQ(loss.lost(random, "l", key), lost);
    if (lost) ++lost_msgs;
  }
  EXPECT_NEAR(static_cast<double>(lost_msgs) / kDraws, 0.3, 0.005);
  EXPECT_EQ(LossModel{}.reason, "link-loss");
}

}  // namespace
}  // namespace tearline
