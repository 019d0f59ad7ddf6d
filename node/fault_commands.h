// Fault commands (proto/tearline/v1/control.proto) as nodes apply them and
// as traces and logs name them.
#pragma once

#include <string>

#include "model/department.h"
#include "node/link_layer.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

// Commands that change how the node or its links behave (not ping, start,
// grant, stop or status).
bool is_fault_command(const v1::ControlRequest& request);

// One line naming the command and its parameters, e.g.
// "link agency.uk delay_h=24 loss_probability=0.5" or "partition agency.us".
std::string describe_command(const v1::ControlRequest& request);

// Why a fault command's values cannot be used, or "" if they can: every
// hour finite and at most kFaultHoursMax, every probability in [0, 1],
// counts and names within bounds (proto/PROTOCOL.md, "Limits").
std::string fault_values_error(const v1::ControlRequest& request);
inline constexpr double kFaultHoursMax = 24.0 * 365;
inline constexpr uint32_t kPartitionPeersMax = 10'000;

// A fault aimed at intelligence (nodes/intel_faults.h), as traces, logs and
// the report name it: "lose report us-manchester-1", "delay subject
// subject-m delay_h=168".
std::string describe_intel_fault(const v1::IntelFault& fault);
// Why its values cannot be used, or "" if they can.
std::string intel_fault_error(const v1::IntelFault& fault);

LinkFault link_fault_from(const v1::SetLink& change);

// `config` with the fields `change` sets replaced.
QueueConfig queue_config_with(QueueConfig config, const v1::SetQueue& change);

}  // namespace tearline
