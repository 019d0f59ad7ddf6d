#include "common/correlator.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tearline {

int Correlator::observe(const std::string& subject, const std::string& agency, double at_h) {
  if (!entries_.empty() && at_h < entries_.back().at_h) {
    throw std::logic_error("Correlator::observe: time went backwards");
  }
  // Entries arrive in time order, so the oldest are at the front.
  while (!entries_.empty() && entries_.front().at_h < at_h - window_h_) entries_.pop_front();
  if (subject.empty()) return 0;

  std::vector<const std::string*> others;
  for (const Entry& entry : entries_) {
    if (entry.subject != subject || entry.agency == agency) continue;
    const auto seen = std::find_if(others.begin(), others.end(), [&](const std::string* other) {
      return *other == entry.agency;
    });
    if (seen == others.end()) others.push_back(&entry.agency);
  }
  entries_.push_back({subject, agency, at_h});
  return static_cast<int>(others.size());
}

}  // namespace tearline
