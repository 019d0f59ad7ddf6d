// Small integers for the few distinct strings a run repeats on every line
// (node names, kinds, handoffs), so per-message and per-event records stay
// a few bytes each. Internal to tearline_trace_views.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/invariant.h"

namespace tearline::trace_views {

// Holds views: the text interned must outlive the Interner's use (a
// ModeScan's lines, until it is read again). Not thread-safe.
class Interner {
 public:
  static constexpr uint32_t kEmpty = 0;  // The id of "".

  Interner() : texts_{std::string_view()} { ids_.emplace(std::string_view(), kEmpty); }

  uint32_t id(std::string_view text) {
    const auto [it, added] = ids_.try_emplace(text, static_cast<uint32_t>(texts_.size()));
    if (added) texts_.push_back(text);
    return it->second;
  }
  std::string_view text(uint32_t id) const {
    TEARLINE_ASSERT(id < texts_.size());  // Only ids id() gave out.
    return texts_[id];
  }

 private:
  std::unordered_map<std::string_view, uint32_t> ids_;
  std::vector<std::string_view> texts_;  // By id.
};

}  // namespace tearline::trace_views
