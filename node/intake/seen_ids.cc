#include "node/intake/seen_ids.h"

#include <algorithm>

namespace tearline {

void SeenIds::insert(const std::string& sender, const std::string& id, double forget_after_h) {
  Key key{sender, id};
  const auto [it, fresh] = forget_after_h_.emplace(key, forget_after_h);
  if (!fresh) {
    if (it->second >= forget_after_h) return;
    by_hour_.erase({it->second, key});
    it->second = forget_after_h;
  }
  by_hour_.emplace(forget_after_h, std::move(key));
}

void SeenIds::forget_before(double now_h) {
  while (!by_hour_.empty() && by_hour_.begin()->first < now_h) {
    forget_after_h_.erase(by_hour_.begin()->second);
    by_hour_.erase(by_hour_.begin());
  }
}

}  // namespace tearline
