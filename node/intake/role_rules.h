// Who may say what (docs/MODEL.md, "Who may say what"; proto/PROTOCOL.md has the
// same table). A frame's sender is the member its key authenticated; this
// decides whether that member, in its role, may send that frame to this
// node in this mode, and whether the report it carries was signed by its
// origin. What fails is refused before it is taken in, and traced
// `rejected` with the authenticated sender and what it claimed.
//
// Never reads a clock. Thread-safety: immutable after construction.
#pragma once

#include <optional>
#include <string>

#include "node/intake/frame_check.h"
#include "scenario/scenario.h"
#include "security/report_signature.h"
#include "tearline/v1/frame.pb.h"

namespace tearline {

enum class NodeRole { kAgency, kCentre, kUnit };
enum class FrameBody { kReport, kAck, kPoll };

// What a rule asks beyond the roles and the mode.
enum class RoleCondition {
  kOwnReport,         // The report's origin is the sender.
  kOwnReportPartner,  // And the sender shares with the receiver (a partner).
  kOwnUnit,           // The receiving unit is one of the sending agency's.
  kUnitArea,          // The report concerns the receiving unit's area.
  kReceiversReport,   // The report's origin is the receiving agency.
  kOwnAgency,         // The receiving agency is the sending unit's.
};

struct RoleRule {
  NodeRole from;
  NodeRole to;
  FrameBody body;
  bool bilateral;
  bool coordinated;
  RoleCondition condition;
};

// Every report and poll a role may send; an acknowledgement may go back
// along any report rule (the receiver of a report acknowledges it). Nothing
// else is allowed: a unit sends no reports, nobody polls but a unit, the
// centre writes no intelligence (only its own background reports).
inline constexpr RoleRule kRoleRules[] = {
    // An agency sends its own reports to the centre...
    {NodeRole::kAgency, NodeRole::kCentre, FrameBody::kReport, false, true,
     RoleCondition::kOwnReport},
    // ...or, bilaterally, to the partners its policy shares with,
    {NodeRole::kAgency, NodeRole::kAgency, FrameBody::kReport, true, false,
     RoleCondition::kOwnReportPartner},
    // and answers its own units' polls with what it filed.
    {NodeRole::kAgency, NodeRole::kUnit, FrameBody::kReport, true, true, RoleCondition::kOwnUnit},
    // The centre warns the units whose area a report concerns...
    {NodeRole::kCentre, NodeRole::kUnit, FrameBody::kReport, false, true, RoleCondition::kUnitArea},
    // ...and sends an agency the copy of its own report.
    {NodeRole::kCentre, NodeRole::kAgency, FrameBody::kReport, false, true,
     RoleCondition::kReceiversReport},
    // A unit polls its own agency.
    {NodeRole::kUnit, NodeRole::kAgency, FrameBody::kPoll, true, true, RoleCondition::kOwnAgency},
};

class RoleRules {
 public:
  // For frames received by `receiver` in `mode`; `origins` holds the
  // members' public signing keys. All must outlive this.
  RoleRules(const Scenario& scenario, std::string receiver, std::string mode,
            const OriginVerifier& origins);

  // Why `frame` from the authenticated member `from` must be refused, or
  // nullopt. The frame has passed check_frame().
  std::optional<FrameRejection> check(const v1::Frame& frame, const std::string& from) const;

 private:
  std::optional<NodeRole> role_of(const std::string& node) const;
  std::optional<FrameRejection> check_rule(const RoleRule& rule, const v1::Frame& frame,
                                           const std::string& from) const;
  std::optional<FrameRejection> check_report(const v1::ThreatReport& report) const;

  const Scenario& scenario_;
  std::string receiver_;
  bool bilateral_;
  const OriginVerifier& origins_;
};

}  // namespace tearline
