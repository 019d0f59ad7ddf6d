#include "model/handling_caveats.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

// Every receiver the caveats tell apart.
constexpr CaveatReceiver kNeedsToKnowAtHome{.needs_to_know = true, .in_origin_country = true};
constexpr CaveatReceiver kNeedsToKnowAbroad{.needs_to_know = true, .in_origin_country = false};
constexpr CaveatReceiver kNoNeedAtHome{.needs_to_know = false, .in_origin_country = true};
constexpr CaveatReceiver kNoNeedAbroad{.needs_to_know = false, .in_origin_country = false};
constexpr CaveatReceiver kEveryReceiver[] = {kNeedsToKnowAtHome, kNeedsToKnowAbroad, kNoNeedAtHome,
                                             kNoNeedAbroad};

TEST(HandlingCaveatsTest, ClearAndGreenGoToAnyone) {
  for (const v1::Tlp tlp : {v1::TLP_CLEAR, v1::TLP_GREEN}) {
    for (const CaveatReceiver& receiver : kEveryReceiver) {
      EXPECT_EQ(tlp_refusal(tlp, receiver), "") << tlp;
    }
  }
}

TEST(HandlingCaveatsTest, AmberGoesOnlyToThoseWhoNeedToKnow) {
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER, kNeedsToKnowAtHome), "");
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER, kNeedsToKnowAbroad), "");
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER, kNoNeedAtHome), "withheld:tlp-amber");
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER, kNoNeedAbroad), "withheld:tlp-amber");
}

TEST(HandlingCaveatsTest, AmberStrictStaysInTheOriginatingCountry) {
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER_STRICT, kNeedsToKnowAtHome), "");
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER_STRICT, kNeedsToKnowAbroad), "withheld:tlp-amber-strict");
  // Stricter than AMBER: need to know still holds at home.
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER_STRICT, kNoNeedAtHome), "withheld:tlp-amber-strict");
  EXPECT_EQ(tlp_refusal(v1::TLP_AMBER_STRICT, kNoNeedAbroad), "withheld:tlp-amber-strict");
}

TEST(HandlingCaveatsTest, RedGoesToNoOne) {
  for (const CaveatReceiver& receiver : kEveryReceiver) {
    EXPECT_EQ(tlp_refusal(v1::TLP_RED, receiver), "withheld:tlp-red");
  }
}

}  // namespace
}  // namespace tearline
