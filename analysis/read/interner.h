// Strings as small integers, so that per-event and per-message state holds
// no strings: node, handoff, reason and trace names, message ids. Internal
// to tearline_report. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tearline::report {

class Interner {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // find(): never interned.

  Interner() { ids_.emplace(names_.emplace_back(), 0); }  // "" is id 0.
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;

  uint32_t id(std::string_view text) {
    if (text.empty()) return 0;  // Most fields of most lines are absent.
    const auto found = ids_.find(text);
    if (found != ids_.end()) return found->second;
    const auto next = static_cast<uint32_t>(names_.size());
    const std::string& stored = names_.emplace_back(text);  // A deque never moves it.
    ids_.emplace(stored, next);
    return next;
  }

  uint32_t find(std::string_view text) const {
    const auto found = ids_.find(text);
    return found == ids_.end() ? kNone : found->second;
  }

  void reserve(size_t count) { ids_.reserve(count); }
  const std::string& name(uint32_t id) const { return names_[id]; }
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }

 private:
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> ids_;
};

}  // namespace tearline::report
