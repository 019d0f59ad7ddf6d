#include "model/correlator.h"

#include <algorithm>
#include <stdexcept>

#include "base/invariant.h"

namespace tearline {

void Correlator::purge_oldest() {
  TEARLINE_ASSERT(!order_.empty());
  BySubject::value_type* oldest = order_.front();
  order_.pop_front();
  Reports& reports = oldest->second;
  // Every entry of the window is in order_ once: its subject holds it still.
  TEARLINE_ASSERT(reports.first < reports.entries.size());
  // Entries arrive in time order, so the subject's oldest is its first.
  if (++reports.first < reports.entries.size()) {
    if (2 * reports.first >= reports.entries.size()) {
      reports.entries.erase(reports.entries.begin(),
                            reports.entries.begin() + static_cast<std::ptrdiff_t>(reports.first));
      reports.first = 0;
    }
    return;
  }
  BySubject::node_type node = by_subject_.extract(oldest->first);
  if (spare_nodes_.size() < kSpareNodes) spare_nodes_.push_back(std::move(node));
}

int Correlator::observe(const std::string& subject, const std::string& agency, double at_h) {
  if (!order_.empty() && at_h < order_.back()->second.entries.back().at_h) {
    throw std::logic_error("Correlator::observe: time went backwards");
  }
  // Entries arrive in time order, so the oldest are at the front.
  while (!order_.empty() &&
         order_.front()->second.entries[order_.front()->second.first].at_h < at_h - window_h_) {
    purge_oldest();
  }
  if (subject.empty()) return 0;

  auto found = by_subject_.find(subject);
  if (found == by_subject_.end()) {
    if (spare_nodes_.empty()) {
      found = by_subject_.try_emplace(subject).first;
    } else {
      BySubject::node_type node = std::move(spare_nodes_.back());
      spare_nodes_.pop_back();
      node.key() = subject;
      node.mapped().entries.clear();
      node.mapped().first = 0;
      found = by_subject_.insert(std::move(node)).position;
    }
  }
  Reports& reports = found->second;
  others_.clear();
  for (size_t i = reports.first; i < reports.entries.size(); ++i) {
    const std::string& other = reports.entries[i].agency;
    if (other == agency) continue;
    if (std::find_if(others_.begin(), others_.end(),
                     [&](const std::string* seen) { return *seen == other; }) == others_.end()) {
      others_.push_back(&other);
    }
  }
  reports.entries.push_back({agency, at_h});
  order_.push_back(&*found);
  TEARLINE_ASSERT(order_.size() >= by_subject_.size());  // A subject has an entry at least.
  return static_cast<int>(others_.size());
}

std::string correlation_reason(int other_agencies) {
  return std::to_string(other_agencies) +
         (other_agencies == 1 ? " other agency" : " other agencies") + " reported this subject";
}

}  // namespace tearline
