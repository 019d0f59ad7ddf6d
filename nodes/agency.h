// A national agency (docs/MODEL.md, "Actors"): its sources produce reports, its
// analysis desk assesses them, its national database department files them,
// and units poll the database. In bilateral mode the desk's output is shared
// with partners by the sharing policy; in coordinated mode it goes, with the
// source sealed, to the broker.
//
// Thread-safety: none; driven by one node runtime.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/background.h"
#include "node/desk.h"
#include "node/role.h"
#include "nodes/intel_faults.h"
#include "scenario/scenario.h"
#include "security/pseudonym.h"
#include "security/report_signature.h"

namespace tearline {

class AgencyRole : public Role {
 public:
  // Throws std::invalid_argument if `name` is not an agency of the scenario.
  // `sealing_key`: the agency's secret, with which it seals its sources;
  // `signer` signs, as this agency, every report it writes.
  AgencyRole(const Scenario& scenario, const std::string& name, const std::string& mode,
             const Random& random, const SecretKey& sealing_key, const ReportSigner& signer);

  void begin_at(double now_h) override;
  void advance(NodeContext& context, double now_h) override;
  std::optional<double> next_wake_h() const override;
  // Only the desk's output is sent (to partners or the broker); the
  // database files what it serves. Polls are answered as they come.
  std::optional<double> next_send_bound_h() const override;
  void on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) override;
  void on_poll(NodeContext& context, const v1::PollRequest& poll, const std::string& from,
               double now_h) override;
  void record_in_flight(NodeContext& context, double now_h) override;
  void fill_status(v1::NodeStatus* status) const override;
  Desk* desk_named(const std::string& name) override;
  bool aim_fault(const v1::IntelFault& fault, std::string* error) override;

 private:
  struct Filed {
    std::string message_id;
    v1::ThreatReport report;
    double filed_at_h;
  };

  void produce_source_report(NodeContext& context, const ReportSpec& spec);
  // What the desk served meets the faults aimed at it, then pass_on().
  void after_desk(NodeContext& context, const ServedReport& served);
  // A report a delay held, at its hour.
  void release(NodeContext& context, const HeldReport& released);
  // Shares or sends what the desk served, and files it; `hit` (a delay's
  // once released) decides instead where it says so.
  void pass_on(NodeContext& context, const ServedReport& served,
               const std::optional<IntelHit>& hit);
  void share_with_partner(NodeContext& context, const ServedReport& served,
                          const PartnerSpec& partner, const std::optional<IntelHit>& hit);
  void send_to_broker(NodeContext& context, const ServedReport& served,
                      const std::optional<IntelHit>& hit);
  void file(NodeContext& context, const ServedReport& served);
  void handle_served(NodeContext& context);
  // Where the reports a fault aimed at intelligence holds or loses are, past
  // the desk: "fault@<agency>".
  std::string fault_handoff() const { return "fault@" + spec_.name; }

  const Scenario& scenario_;
  const AgencySpec& spec_;
  std::string mode_;
  SecretKey key_;
  // Signs the reports this agency writes (its sources', its background's,
  // its tearline copies) as they leave it.
  ReportSigner signer_;
  Desk desk_;
  Desk database_;
  BackgroundStream background_;
  IntelFaults intel_;                               // Faults aimed at what leaves the desk.
  std::vector<const ReportSpec*> pending_reports_;  // Sorted by at_h.
  size_t next_report_ = 0;
  // Filed reports on the areas of this agency's units, for their polls.
  std::vector<Filed> filed_;
  std::map<std::string, double> last_poll_h_by_unit_;
};

}  // namespace tearline
