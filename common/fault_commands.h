// Fault commands (proto/tearline/v1/control.proto) as nodes apply them and
// as traces and logs name them.
#pragma once

#include <string>

#include "common/department.h"
#include "common/link_layer.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

// Commands that change how the node or its links behave (not ping, start,
// grant, stop or status).
bool is_fault_command(const v1::ControlRequest& request);

// One line naming the command and its parameters, e.g.
// "link agency.uk delay_h=24 loss_probability=0.5" or "partition agency.us".
std::string describe_command(const v1::ControlRequest& request);

LinkFault link_fault_from(const v1::SetLink& change);

// `config` with the fields `change` sets replaced.
QueueConfig queue_config_with(QueueConfig config, const v1::SetQueue& change);

}  // namespace tearline
