#include "model/correlator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

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

TEST(CorrelatorTest, ReasonCountsAgenciesInGoodEnglish) {
  EXPECT_EQ(correlation_reason(1), "1 other agency reported this subject");
  EXPECT_EQ(correlation_reason(3), "3 other agencies reported this subject");
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

// The correlator before it indexed its entries by subject: one window of
// entries, scanned whole for every report.
class ScanningCorrelator {
 public:
  explicit ScanningCorrelator(double window_h) : window_h_(window_h) {}
  int observe(const std::string& subject, const std::string& agency, double at_h) {
    while (!entries_.empty() && entries_.front().at_h < at_h - window_h_) entries_.pop_front();
    if (subject.empty()) return 0;
    std::vector<std::string> others;
    for (const Entry& entry : entries_) {
      if (entry.subject != subject || entry.agency == agency) continue;
      if (std::find(others.begin(), others.end(), entry.agency) == others.end()) {
        others.push_back(entry.agency);
      }
    }
    entries_.push_back({subject, agency, at_h});
    return static_cast<int>(others.size());
  }
  size_t entries() const { return entries_.size(); }

 private:
  struct Entry {
    std::string subject;
    std::string agency;
    double at_h;
  };
  double window_h_;
  std::deque<Entry> entries_;
};

TEST(CorrelatorTest, AgreesWithAScanOfTheWholeWindow) {
  std::mt19937_64 engine(11);
  for (const double window_h : {0.0, 3.0, 50.0, 720.0}) {
    Correlator correlator(window_h);
    ScanningCorrelator scanning(window_h);
    double at_h = 0;
    for (int i = 0; i < 20000; ++i) {
      // Time stands still (same hour), creeps or jumps past the window.
      const uint64_t step = engine() % 20;
      at_h += step < 6 ? 0 : step < 19 ? static_cast<double>(engine() % 10) : 1000;
      const std::string subject =
          engine() % 10 == 0 ? "" : "subject-" + std::to_string(engine() % 30);
      const std::string agency = "agency." + std::to_string(engine() % 5);
      ASSERT_EQ(correlator.observe(subject, agency, at_h), scanning.observe(subject, agency, at_h))
          << "report " << i << " window " << window_h;
      ASSERT_EQ(correlator.entries(), scanning.entries());
    }
  }
}

TEST(CorrelatorTest, RejectsTimeGoingBackwards) {
  Correlator correlator(10);
  correlator.observe("subject-a", "agency.uk", 5);
  EXPECT_THROW(correlator.observe("subject-a", "agency.us", 4), std::logic_error);
}

}  // namespace
}  // namespace tearline
