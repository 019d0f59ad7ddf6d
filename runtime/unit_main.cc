// tearline-unit: one local unit of a run.
#include "runtime/node_runtime.h"
#include "nodes/unit.h"

int main(int argc, char** argv) {
  return tearline::run_node_main(
      argc, argv, "unit",
      [](const tearline::Scenario& scenario, const tearline::NodeOptions& options,
         const tearline::Random& random, const tearline::SecretKey&,
         const tearline::ReportSigner&) {
        return std::make_unique<tearline::UnitRole>(scenario, options.name, random);
      });
}
