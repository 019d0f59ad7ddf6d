#include "runtime/make_role.h"

#include <gtest/gtest.h>

#include "broker/broker.h"
#include "nodes/agency.h"
#include "nodes/unit.h"

namespace tearline {
namespace {

TEST(MakeRoleTest, EveryNodeOfTheScenarioGetsItsRole) {
  const Scenario scenario =
      load_scenario(std::string(TEARLINE_SOURCE_DIR) + "/scenarios/small.toml");
  EXPECT_EQ(role_of(scenario, "agency.aa"), "agency");
  EXPECT_EQ(role_of(scenario, scenario.broker.name), "broker");
  EXPECT_EQ(role_of(scenario, "unit.north"), "unit");
  const Random random(1);
  const SecretKey secret = random_secret_key();
  const auto make = [&](const std::string& node) {
    return make_role(role_of(scenario, node), scenario, node, "coordinated", random, secret,
                     ReportSigner(node, random_signing_seed()));
  };
  EXPECT_NE(dynamic_cast<AgencyRole*>(make("agency.bb").get()), nullptr);
  EXPECT_NE(dynamic_cast<BrokerRole*>(make(scenario.broker.name).get()), nullptr);
  EXPECT_NE(dynamic_cast<UnitRole*>(make("unit.south").get()), nullptr);
}

TEST(MakeRoleDeathTest, AnUnknownRoleIsOurBug) {
  const Scenario scenario =
      load_scenario(std::string(TEARLINE_SOURCE_DIR) + "/scenarios/small.toml");
  const Random random(1);
  EXPECT_DEATH(make_role("desk", scenario, "agency.aa", "coordinated", random, random_secret_key(),
                         ReportSigner("agency.aa", random_signing_seed())),
               "invariant broken");
}

}  // namespace
}  // namespace tearline
