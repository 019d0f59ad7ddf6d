// A local unit (docs/MODEL.md, "Actors"): it polls its national database for
// reports on its area, receives warnings directly from the broker in
// coordinated mode, reads them at its intake desk, and acts on each.
//
// Thread-safety: none; driven by one node runtime.
#pragma once

#include <optional>
#include <string>

#include "node/desk.h"
#include "node/role.h"
#include "scenario/scenario.h"

namespace tearline {

class UnitRole : public Role {
 public:
  // Throws std::invalid_argument if `name` is not a unit of the scenario.
  UnitRole(const Scenario& scenario, const std::string& name, const Random& random);

  void begin_at(double now_h) override;
  void advance(NodeContext& context, double now_h) override;
  std::optional<double> next_wake_h() const override;
  // A unit sends only its polls; what its intake serves, it acts on.
  std::optional<double> next_send_bound_h() const override;
  void on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) override;
  void record_in_flight(NodeContext& context, double now_h) override;
  void fill_status(v1::NodeStatus* status) const override;
  Desk* desk_named(const std::string& name) override;

 private:
  void act(NodeContext& context, const ServedReport& served);

  const UnitSpec& spec_;
  double end_h_;
  Desk intake_;
  double next_poll_h_;
};

}  // namespace tearline
