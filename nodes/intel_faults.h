// Faults aimed at intelligence (IntelFault in proto/tearline/v1/control.proto,
// named and checked by node/fault_commands.h; docs/MODEL.md, "Faults aimed
// at intelligence"), as an agency's desk meets them: the faults the node was
// given, which one a report leaving the desk matches, and the reports a
// delay holds back until their hour.
//
// A fault holds from the hour it is given to the end of the run; when
// several match a report, the one given last decides. Matching reads the
// typed report: `report` and `trace` its trace id (the scenario report it
// started as), `subject` its subject.
//
// Thread-safety: none; owned by one role.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "node/desk.h"
#include "node/fault_commands.h"
#include "node/role.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

inline constexpr size_t kIntelFaultsMax = 1'000;

// The fault a report meets.
struct IntelHit {
  v1::IntelFault::Action action = v1::IntelFault::ACTION_UNSPECIFIED;
  double delay_h = 0;
  std::string fault;  // Its description, carried by the events it causes.
};

// A report a delay fault holds, and that fault's description.
struct HeldReport {
  ServedReport served;
  std::string fault;
};

class IntelFaults {
 public:
  // False with *error when kIntelFaultsMax are held already.
  bool add(const v1::IntelFault& fault, std::string* error);
  // The fault given last that `report` matches, if any.
  std::optional<IntelHit> match(const v1::ThreatReport& report) const;

  // Holds `served` until release_h for the delay fault `fault`.
  void hold(ServedReport served, double release_h, std::string fault);
  std::optional<double> next_release_h() const;
  // Those held whose hour is at or before now_h, earliest first, with
  // served.at_h set to their hour.
  std::vector<HeldReport> take_released(double now_h);
  // Traces an in_flight event for every report held, at `handoff`.
  void record_in_flight(NodeContext& context, double now_h, const std::string& handoff) const;

 private:
  std::vector<v1::IntelFault> faults_;  // In the order given.
  std::vector<HeldReport> held_;        // Sorted by served.at_h (the release hour), stable.
};

}  // namespace tearline
