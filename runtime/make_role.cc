#include "runtime/make_role.h"

#include "base/invariant.h"
#include "broker/broker.h"
#include "nodes/agency.h"
#include "nodes/unit.h"

namespace tearline {

std::string role_of(const Scenario& scenario, const std::string& node) {
  if (scenario.agency(node) != nullptr) return "agency";
  if (node == scenario.broker.name) return "broker";
  TEARLINE_ASSERT(scenario.unit(node) != nullptr);
  return "unit";
}

std::unique_ptr<Role> make_role(const std::string& role, const Scenario& scenario,
                                const std::string& name, const std::string& mode,
                                const Random& random, const SecretKey& secret,
                                const ReportSigner& signer) {
  if (role == "agency") {
    return std::make_unique<AgencyRole>(scenario, name, mode, random, secret, signer);
  }
  if (role == "broker") return std::make_unique<BrokerRole>(scenario, random, secret, signer);
  // Role names come from our own code (the mains, the launcher), never from
  // outside.
  TEARLINE_ASSERT(role == "unit");
  return std::make_unique<UnitRole>(scenario, name, random);
}

}  // namespace tearline
