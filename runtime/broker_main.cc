// tearline-broker: the coordination centre of a run (coordinated mode).
#include "broker/broker.h"
#include "runtime/node_runtime.h"

int main(int argc, char** argv) {
  return tearline::run_node_main(
      argc, argv, "broker",
      [](const tearline::Scenario& scenario, const tearline::NodeOptions&,
         const tearline::Random& random, const tearline::SecretKey& secret,
         const tearline::ReportSigner& signer) {
        return std::make_unique<tearline::BrokerRole>(scenario, random, secret, signer);
      });
}
