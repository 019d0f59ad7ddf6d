// What a node checks of the launcher's grants and starts before it acts on
// them (fault commands: fault_values_error() in fault_commands.h): every
// hour finite and within the scenario, every peer a node of the scenario,
// every list bounded by the scenario's size.
#pragma once

#include <string>

#include "scenario/scenario.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

// Why a grant cannot be run, or "" if it can. until_h may be infinite.
std::string grant_error(const v1::Grant& grant, const Scenario& scenario);

// Why a start cannot be carried out, or "" if it can.
std::string start_error(const v1::Start& start, const Scenario& scenario);

}  // namespace tearline
