#include "node/intake/seen_ids.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

TEST(SeenIds, AreScopedBySender) {
  SeenIds seen;
  seen.insert("agency.aa", "m1", 10);
  EXPECT_TRUE(seen.contains("agency.aa", "m1"));
  EXPECT_FALSE(seen.contains("agency.bb", "m1"));  // Another sender's m1 is another message.
}

TEST(SeenIds, AreForgottenOnceNoCopyCanCome) {
  SeenIds seen;
  seen.insert("agency.aa", "untracked", 5);  // Every copy arrives at hour 5.
  seen.insert("agency.aa", "tracked", 48);   // Resent until its deadline.
  seen.forget_before(5);
  EXPECT_TRUE(seen.contains("agency.aa", "untracked"));  // A copy at hour 5 still matches.
  seen.forget_before(5.5);
  EXPECT_FALSE(seen.contains("agency.aa", "untracked"));
  EXPECT_TRUE(seen.contains("agency.aa", "tracked"));
  seen.forget_before(48.01);
  EXPECT_EQ(seen.size(), 0u);
}

TEST(SeenIds, StayBoundedByWhatIsInFlight) {
  SeenIds seen;
  for (int i = 0; i < 100'000; ++i) {
    const double hour = i * 0.01;
    seen.forget_before(hour);
    seen.insert("agency.aa", std::to_string(i), hour + 1);  // One hour in flight.
    EXPECT_LE(seen.size(), 102u);
  }
}

TEST(SeenIds, ALaterDeadlineKeepsAnIdLonger) {
  SeenIds seen;
  seen.insert("broker", "m", 10);
  seen.insert("broker", "m", 20);
  seen.insert("broker", "m", 15);  // An earlier hour does not shorten it.
  seen.forget_before(19);
  EXPECT_TRUE(seen.contains("broker", "m"));
  seen.forget_before(21);
  EXPECT_FALSE(seen.contains("broker", "m"));
}

}  // namespace
}  // namespace tearline
