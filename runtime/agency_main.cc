// tearline-agency: one national agency of a run.
#include "runtime/node_runtime.h"
#include "nodes/agency.h"

int main(int argc, char** argv) {
  return tearline::run_node_main(
      argc, argv, "agency",
      [](const tearline::Scenario& scenario, const tearline::NodeOptions& options,
         const tearline::Random& random, const tearline::SecretKey& secret,
         const tearline::ReportSigner& signer) {
        return std::make_unique<tearline::AgencyRole>(scenario, options.name, options.mode, random,
                                                      secret, signer);
      });
}
