// The message ids a node has taken in, scoped by their authenticated sender
// (so no node can pre-empt another's ids), each kept only while another
// copy of it can still come: an untracked message's copies all arrive at one
// hour; a tracked one is resent until its deadline, after which any attempt
// is refused as late whether seen or not. So the table holds what is in
// flight, not everything the run has seen.
//
// Thread-safety: none; owned by one event loop.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

namespace tearline {

class SeenIds {
 public:
  bool contains(const std::string& sender, const std::string& id) const {
    return forget_after_h_.contains({sender, id});
  }
  // Remembers (sender, id) until forget_before(t) with t > forget_after_h.
  void insert(const std::string& sender, const std::string& id, double forget_after_h);
  // Forgets every id whose hour is before `now_h`.
  void forget_before(double now_h);
  size_t size() const { return forget_after_h_.size(); }

 private:
  using Key = std::pair<std::string, std::string>;  // (sender, id)
  std::map<Key, double> forget_after_h_;
  std::set<std::pair<double, Key>> by_hour_;
};

}  // namespace tearline
