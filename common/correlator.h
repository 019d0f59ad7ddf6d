// The broker's correlation of reports about the same subject from several
// agencies (MODEL.md, "coordinated mode"). Bounded: entries older than the
// window are purged as time advances.
//
// Thread-safety: none; owned by the broker's event loop.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace tearline {

class Correlator {
 public:
  explicit Correlator(double window_h) : window_h_(window_h) {}

  // Records that `agency` reported `subject` at at_h (non-decreasing, else
  // std::logic_error) and returns how many *other* agencies reported the same
  // subject within the window (inclusive) before it. An empty subject
  // correlates with nothing and is not recorded.
  int observe(const std::string& subject, const std::string& agency, double at_h);

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

}  // namespace tearline
