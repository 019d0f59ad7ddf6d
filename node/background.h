// The background mass: unrelated reports arriving at a department as a
// Poisson stream (docs/MODEL.md, "Intelligence"), drawn from the run's seed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/random.h"
#include "scenario/scenario.h"
#include "tearline/v1/report.pb.h"

namespace tearline {

class BackgroundStream {
 public:
  // `owner` names the stream (the node); `areas` are the scenario's unit
  // areas a background report may name.
  BackgroundStream(std::string owner, const BackgroundSpec& spec, std::vector<std::string> areas,
                   const Random& random, double end_h);

  // Passes over the arrivals before now_h without producing them, keeping
  // their numbers, so later arrivals keep their ids.
  void skip_until(double now_h);
  // Scenario hour of the next arrival, if any before the end.
  std::optional<double> next_h() const { return next_h_; }
  // The report arriving at next_h(), with report id "bg.<owner>.<n>" for the
  // n-th arrival; schedules the one after it.
  v1::ThreatReport pop();

 private:
  void schedule_next();

  std::string owner_;
  BackgroundSpec spec_;
  std::vector<std::string> areas_;
  const Random& random_;
  double end_h_;
  uint64_t count_ = 0;
  double last_h_ = 0;
  std::optional<double> next_h_;
};

}  // namespace tearline
