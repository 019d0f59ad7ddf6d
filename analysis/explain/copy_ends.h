// Where a plot's copies ended (PlotOutcome.lost_at, and the copies' hops
// when the report has them), in sentences. Internal to tearline_explain.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/explain/why.h"

namespace tearline::explain {

// Tells each lost or held copy once: what became of a sanitised copy is told
// after the decision that made it (of_sanitised), and rest() tells only the
// copies not told yet. Holds references to `plot` and `run`.
class CopyEnds {
 public:
  CopyEnds(const v1::PlotOutcome& plot, const v1::RunInfo& run);

  // What became of the copies sanitised at `decision`'s handoff for its
  // partner, when the report has the copies; none otherwise. Copies do not
  // name the decision (source value) that made them, so those of every
  // decision of one handoff and partner are told once, at the first.
  std::vector<Fact> of_sanitised(const v1::SharingDecision& decision);

  // The lost_at groups not told yet, in the report's order; copies withheld
  // at a decision listed in withheld_at are told there, not here.
  std::vector<Fact> rest() const;

  // Every lost_at group, the largest first.
  std::vector<Fact> largest_first() const;

  // Where the copy `msg` and the copies it was made from waited longest
  // (a hop's out_h minus its in_h), and how long; none without copies.
  struct Wait {
    std::string handoff;
    double hours = 0;
  };
  std::optional<Wait> longest_wait(const std::string& msg) const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // handoff, fate, reason
  static Key key_of(const std::string& handoff, const std::string& fate, const std::string& reason);
  // Earliest arrival at `end`'s handoff of the copies that ended there.
  std::optional<double> since_h(const v1::CopyEnd& end) const;
  std::string sentence(const v1::CopyEnd& end, const std::string& subject, bool plural,
                       std::optional<double> since_h) const;

  const v1::PlotOutcome& plot_;
  const v1::RunInfo& run_;
  std::map<Key, size_t> told_;
  std::set<std::pair<std::string, std::string>> told_partners_;  // handoff, partner
};

}  // namespace tearline::explain
