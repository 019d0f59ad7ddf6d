// The coordination centre (the broker) of a mode, as its member processes
// served it: failovers from one member to the other (a hot standby,
// docs/DURABILITY.md, "Hot standby"), the hours no member was the active
// centre, and which member sent the warnings. Each member writes its own
// trace file (<member>.trace.jsonl, every line "node":"<centre>"); the
// launcher traces the failovers and each member process's end. Fed one
// event at a time. Internal to tearline_report. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/ledger/mode_context.h"
#include "analysis/ledger/step.h"

namespace tearline::report {

class CentreTally {
 public:
  explicit CentreTally(const ModeContext* context) : context_(context) {}

  void add(const Step& step);

  // The centre: the first by name of the nodes, other than the RunInfo's
  // agencies and units, that write a node trace file; 0 when none (or no
  // RunInfo).
  uint32_t centre() const { return centre_; }

  // Sets mode->centre when there is one:
  //   members: the centre's name first, then its other processes;
  //   failovers: `to` took over from `from`;
  //   down: from each death of the active member (a launcher "node_stopped"
  //     of the centre other than a clean exit at the scenario's end) to the
  //     centre's next "node_started" in a member's file or next failover at
  //     or after it (`back` names that member), else to the scenario's end;
  //   warnings_by_member / resends_by_member: each member's "sent" /
  //     "resent" of messages to units.
  void fill(v1::ModeReport* mode) const;

 private:
  struct Stop {
    double t_h = 0;
    std::string member, reason;
  };
  // What a node would show, were it the centre.
  struct Candidate {
    std::set<std::string> members;
    std::map<std::string, uint32_t> sent_by_member, resent_by_member;
    std::vector<v1::Centre::Failover> failovers;
    std::vector<Stop> stops;
    std::vector<std::pair<double, std::string>> starts;  // A member became the active centre.
  };

  const ModeContext* context_;
  std::unordered_map<uint32_t, Candidate> candidates_;
  uint32_t centre_ = 0;
};

}  // namespace tearline::report
