// The broker's correlation of reports about the same subject from several
// agencies (docs/MODEL.md, "coordinated mode"). Bounded: entries older than the
// window are purged as time advances.
//
// Thread-safety: none; owned by the broker's event loop.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace tearline {

class Correlator {
 public:
  explicit Correlator(double window_h) : window_h_(window_h) {}

  // Records that `agency` reported `subject` at at_h (non-decreasing, else
  // std::logic_error) and returns how many *other* agencies reported the same
  // subject within the window (inclusive) before it. An empty subject
  // correlates with nothing and is not recorded.
  int observe(const std::string& subject, const std::string& agency, double at_h);

  size_t entries() const { return order_.size(); }

 private:
  struct Entry {
    std::string agency;
    double at_h;
  };
  // One subject's entries within the window, oldest first, from `first` on
  // (those before it are purged; dropped once they are half of them).
  struct Reports {
    std::vector<Entry> entries;
    size_t first = 0;
  };
  // Every subject with entries in the window, and nothing else: a subject's
  // reports are found without looking at any other's.
  using BySubject = std::unordered_map<std::string, Reports>;
  // Map nodes of subjects that left the window, kept (up to this many) for
  // the next new subject: their key and entries keep their buffers, so a
  // steady stream of new subjects allocates nothing.
  static constexpr size_t kSpareNodes = 16;

  void purge_oldest();

  double window_h_;
  BySubject by_subject_;
  // The subject of every entry, oldest entry first (what to purge next).
  // Pointers to a map's elements survive its rehashing.
  std::deque<BySubject::value_type*> order_;
  std::vector<BySubject::node_type> spare_nodes_;
  std::vector<const std::string*> others_;  // Scratch of observe().
};

// The reason a "correlated" trace event gives: "1 other agency reported this
// subject", "2 other agencies ...".
std::string correlation_reason(int other_agencies);

}  // namespace tearline
