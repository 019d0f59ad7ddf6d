// The one place a node's role is made, whatever hosts it: the node process
// (runtime/node_main.cc), the launcher's in-process host and the fuzz
// targets.
#pragma once

#include <memory>
#include <string>

#include "model/random.h"
#include "node/role.h"
#include "scenario/scenario.h"
#include "security/pseudonym.h"
#include "security/report_signature.h"

namespace tearline {

// The role `node` plays in `scenario`: "agency", "broker" or "unit". The
// node must be one of the scenario's.
std::string role_of(const Scenario& scenario, const std::string& node);

// Makes the role `role` ("agency", "broker" or "unit", as role_of) of node
// `name` in `mode`. `secret` is the node's own secret key (an agency's sealing
// key, the centre's pseudonym key; a unit has none), `signer` signs as the
// node the reports it writes.
std::unique_ptr<Role> make_role(const std::string& role, const Scenario& scenario,
                                const std::string& name, const std::string& mode,
                                const Random& random, const SecretKey& secret,
                                const ReportSigner& signer);

}  // namespace tearline
