#include "common/correlator.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace tearline {
namespace {

TEST(CorrelatorTest, CountsDistinctOtherAgencies) {
  Correlator correlator(100);
  EXPECT_EQ(correlator.observe("subject-a", "agency.uk", 0), 0);
  EXPECT_EQ(correlator.observe("subject-a", "agency.uk", 1), 0);  // Same agency again.
  EXPECT_EQ(correlator.observe("subject-a", "agency.us", 2), 1);
  EXPECT_EQ(correlator.observe("subject-a", "agency.us", 3), 1);  // uk, counted once.
  EXPECT_EQ(correlator.observe("subject-a", "agency.fr", 4), 2);
  EXPECT_EQ(correlator.observe("subject-b", "agency.de", 5), 0);  // Other subject.
  EXPECT_EQ(correlator.observe("subject-a", "agency.de", 6), 3);
}

TEST(CorrelatorTest, OnlyCountsReportsWithinTheWindow) {
  Correlator correlator(10);
  correlator.observe("subject-a", "agency.uk", 0);
  EXPECT_EQ(correlator.observe("subject-a", "agency.us", 10), 1);    // Window is inclusive.
  EXPECT_EQ(correlator.observe("subject-a", "agency.fr", 10.5), 1);  // uk has left it.
}

TEST(CorrelatorTest, EmptySubjectCorrelatesWithNothing) {
  Correlator correlator(10);
  EXPECT_EQ(correlator.observe("", "agency.uk", 0), 0);
  EXPECT_EQ(correlator.observe("", "agency.us", 1), 0);
  EXPECT_EQ(correlator.entries(), 0u);
}

TEST(CorrelatorTest, PurgesEntriesOlderThanTheWindow) {
  Correlator correlator(10);
  size_t entries_max = 0;
  for (int hour = 0; hour < 10000; ++hour) {
    correlator.observe("subject-" + std::to_string(hour % 7), "agency." + std::to_string(hour % 3),
                       hour);
    entries_max = std::max(entries_max, correlator.entries());
  }
  EXPECT_EQ(entries_max, 11u);                 // Hours t-10 .. t.
  correlator.observe("", "agency.uk", 20000);  // Time advancing alone purges.
  EXPECT_EQ(correlator.entries(), 0u);
}

TEST(CorrelatorTest, RejectsTimeGoingBackwards) {
  Correlator correlator(10);
  correlator.observe("subject-a", "agency.uk", 5);
  EXPECT_THROW(correlator.observe("subject-a", "agency.us", 4), std::logic_error);
}

}  // namespace
}  // namespace tearline
