#include "node/intake/role_rules.h"

#include <algorithm>

namespace tearline {
namespace {

std::optional<FrameRejection> refuse(const std::string& why, const std::string& claimed) {
  return FrameRejection{"rejected:" + why, claimed};
}

FrameBody body_of(const v1::Frame& frame) {
  switch (frame.body_case()) {
    case v1::Frame::kAck:
      return FrameBody::kAck;
    case v1::Frame::kPoll:
      return FrameBody::kPoll;
    default:
      return FrameBody::kReport;  // check_frame() let no other body through.
  }
}

// What the frame claims: a report's origin, or the identity it names.
std::string claimed_by(const v1::Frame& frame) {
  switch (frame.body_case()) {
    case v1::Frame::kEnvelope:
      return frame.envelope().report().origin_agency();
    case v1::Frame::kAck:
      return frame.ack().receiver();
    case v1::Frame::kPoll:
      return frame.poll().unit();
    default:
      return "";
  }
}

bool shares_with(const AgencySpec& agency, const std::string& partner) {
  return std::any_of(agency.partners.begin(), agency.partners.end(),
                     [&](const PartnerSpec& spec) { return spec.agency == partner; });
}

}  // namespace

RoleRules::RoleRules(const Scenario& scenario, std::string receiver, std::string mode,
                     const OriginVerifier& origins)
    : scenario_(scenario),
      receiver_(std::move(receiver)),
      bilateral_(mode == "bilateral"),
      origins_(origins) {}

std::optional<NodeRole> RoleRules::role_of(const std::string& node) const {
  if (scenario_.agency(node)) return NodeRole::kAgency;
  if (scenario_.unit(node)) return NodeRole::kUnit;
  if (node == scenario_.broker.name) return NodeRole::kCentre;
  return std::nullopt;
}

std::optional<FrameRejection> RoleRules::check(const v1::Frame& frame,
                                               const std::string& from) const {
  const std::string claimed = claimed_by(frame);
  const std::optional<NodeRole> sender = role_of(from);
  const std::optional<NodeRole> receiver = role_of(receiver_);
  // The data socket admits only the scenario's nodes (security/zap_handler).
  if (!sender || !receiver) return refuse("not-a-node", claimed);
  const FrameBody body = body_of(frame);
  bool some_mode = false;
  for (const RoleRule& rule : kRoleRules) {
    // An acknowledgement goes back along a report rule.
    const bool matches =
        body == FrameBody::kAck
            ? rule.body == FrameBody::kReport && rule.from == *receiver && rule.to == *sender
            : rule.body == body && rule.from == *sender && rule.to == *receiver;
    if (!matches) continue;
    some_mode = true;
    if (bilateral_ ? rule.bilateral : rule.coordinated) return check_rule(rule, frame, from);
  }
  return refuse(some_mode ? "not-in-this-mode" : "not-its-role", claimed);
}

std::optional<FrameRejection> RoleRules::check_rule(const RoleRule& rule, const v1::Frame& frame,
                                                    const std::string& from) const {
  const std::string claimed = claimed_by(frame);
  const bool ack = frame.has_ack();
  // The agency and unit at either end, as the rule names them.
  const std::string& agency_name =
      rule.from == NodeRole::kAgency ? (ack ? receiver_ : from) : (ack ? from : receiver_);
  const std::string& unit_name =
      rule.to == NodeRole::kUnit ? (ack ? from : receiver_) : (ack ? receiver_ : from);
  switch (rule.condition) {
    case RoleCondition::kOwnReport:
    case RoleCondition::kReceiversReport:
    case RoleCondition::kUnitArea:
      break;
    case RoleCondition::kOwnReportPartner: {
      // The sharing agency is the report's sender; its partner the receiver.
      const std::string& sharer = ack ? receiver_ : from;
      const std::string& partner = ack ? from : receiver_;
      if (!shares_with(*scenario_.agency(sharer), partner)) return refuse("not-a-partner", claimed);
      break;
    }
    case RoleCondition::kOwnUnit:
      if (scenario_.unit(unit_name)->agency != agency_name) return refuse("not-its-unit", claimed);
      break;
    case RoleCondition::kOwnAgency:
      if (scenario_.unit(from)->agency != receiver_) return refuse("not-its-agency", claimed);
      break;
  }
  if (!frame.has_envelope()) return std::nullopt;
  const v1::ThreatReport& report = frame.envelope().report();
  if (rule.condition == RoleCondition::kOwnReport ||
      rule.condition == RoleCondition::kOwnReportPartner) {
    if (report.origin_agency() != from) return refuse("not-its-own-report", claimed);
  }
  if (rule.condition == RoleCondition::kReceiversReport && report.origin_agency() != receiver_) {
    return refuse("not-the-receiver's-report", claimed);
  }
  if (rule.condition == RoleCondition::kUnitArea &&
      (!report.has_area() || report.area() != scenario_.unit(receiver_)->area)) {
    return refuse("another-area", claimed);
  }
  return check_report(report);
}

std::optional<FrameRejection> RoleRules::check_report(const v1::ThreatReport& report) const {
  const std::string& origin = report.origin_agency();
  // Intelligence is written by agencies; the centre writes only the
  // background reports of its own intake.
  const bool may_write =
      scenario_.agency(origin) || (origin == scenario_.broker.name && report.background());
  if (!may_write) return refuse("origin-not-an-author", origin);
  if (const std::optional<std::string> problem = origins_.problem(report)) {
    return refuse(*problem, origin);
  }
  return std::nullopt;
}

}  // namespace tearline
