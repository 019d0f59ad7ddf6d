// The coordination centre (docs/MODEL.md, "coordinated mode"): it replaces each
// report's sealed source by a pseudonym, ranks reports by relevance raised
// by correlation across agencies, serves them by rank with its officers, and
// routes each to the units covering its area that its TLP label allows
// (model/handling_caveats.h) and back to its home agency, resending until
// acknowledged or the delivery deadline passes.
//
// Thread-safety: none; driven by one node runtime.
#pragma once

#include <optional>
#include <string>

#include "model/correlator.h"
#include "node/background.h"
#include "node/desk.h"
#include "node/role.h"
#include "scenario/scenario.h"
#include "security/pseudonym.h"
#include "security/report_signature.h"

namespace tearline {

class BrokerRole : public Role {
 public:
  // `pseudonym_key`: the centre's secret, with which it makes pseudonyms;
  // `signer` signs the background reports of its own intake.
  BrokerRole(const Scenario& scenario, const Random& random, const SecretKey& pseudonym_key,
             const ReportSigner& signer);

  void begin_at(double now_h) override;
  void advance(NodeContext& context, double now_h) override;
  std::optional<double> next_wake_h() const override;
  // What the officers serve is routed at once.
  std::optional<double> next_send_bound_h() const override;
  void on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) override;
  void record_in_flight(NodeContext& context, double now_h) override;
  void fill_status(v1::NodeStatus* status) const override;
  Desk* desk_named(const std::string& name) override;

 private:
  void route(NodeContext& context, const ServedReport& served);
  // Why `report`'s label forbids a copy for `unit`, or empty when it may go
  // (always, for a centre that overrides caveats: honour_tlp = false).
  std::string caveat_refusal(const v1::ThreatReport& report, const UnitSpec& unit) const;
  void deliver_copy(NodeContext& context, const ServedReport& served, const std::string& peer,
                    v1::ThreatReport copy);

  const Scenario& scenario_;
  const BrokerSpec& spec_;
  // The centre's pseudonyms of the sealed sources it has seen.
  PseudonymCache pseudonyms_;
  Desk officers_;
  Correlator correlator_;
  BackgroundStream background_;
  ReportSigner signer_;
};

}  // namespace tearline
