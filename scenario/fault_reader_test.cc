// The fault schedule ([[fault]]): each command with its parameters, and the
// keys or nodes that do not fit refused with their line.
#include <gtest/gtest.h>

#include "scenario/scenario.h"
#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

TEST(FaultScheduleTest, ReadsEachCommandWithItsParameters) {
  const Scenario scenario = load_text(std::string(kMinimal) + R"(
[[fault]]
at_h = 10
node = "agency.aa"
command = "partition"
peers = ["agency.bb"]
for_h = 5

[[fault]]
at_h = 12
node = "agency.bb"
command = "link"
peer = "agency.aa"
loss_probability = 0.5
delay_h = 3

[[fault]]
at_h = 20
node = "agency.aa"
command = "crash"
restart_after_h = 4
)");
  ASSERT_EQ(scenario.faults.size(), 3u);
  const FaultSpec& partition = scenario.faults[0];
  EXPECT_EQ(partition.at_h, 10);
  EXPECT_EQ(partition.command, "partition");
  ASSERT_EQ(partition.request.partition().peers_size(), 1);
  EXPECT_EQ(partition.request.partition().peers(0), "agency.bb");
  EXPECT_EQ(partition.for_h, 5.0);
  EXPECT_EQ(partition.request.issued_by(), "schedule");
  const v1::SetLink& link = scenario.faults[1].request.link();
  EXPECT_EQ(link.peer(), "agency.aa");
  EXPECT_EQ(link.loss_probability(), 0.5);
  EXPECT_EQ(link.delay_h(), 3);
  EXPECT_FALSE(link.has_jitter_h());
  EXPECT_TRUE(scenario.faults[2].request.has_crash());
  EXPECT_EQ(scenario.faults[2].restart_after_h, 4.0);
}

TEST(FaultScheduleTest, AKeyThatDoesNotFitTheCommandIsAnErrorWithItsLine) {
  const std::string text = std::string(kMinimal) + R"(
[[fault]]
at_h = 10
node = "agency.aa"
command = "crash"
peers = ["agency.bb"]
)";
  const ScratchFile file(text);
  const std::string error = load_error(file.path());
  EXPECT_NE(error.find(":" + std::to_string(line_of(text, "peers = [")) + ": fault[0].peers: "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("does not apply to command \"crash\""), std::string::npos) << error;
}

TEST(FaultScheduleTest, TheStandbyTakesOnlyDeathsAndIsNoPeer) {
  const std::string with_standby =
      mutated("[broker]\n", "[broker]\njournal = true\nstandby = \"broker.b\"\n");
  const ScratchFile kill(with_standby +
                         "[[fault]]\nat_h = 1\nnode = \"broker.b\"\ncommand = \"kill\"\n"
                         "restart_after_h = 2\n");
  EXPECT_EQ(load_error(kill.path()), "");
  EXPECT_EQ(load_scenario(kill.path()).process_names().back(), "broker.b");
  EXPECT_EQ(load_scenario(kill.path()).broker.failover_after_h, 0.25);
  const ScratchFile pause(with_standby +
                          "[[fault]]\nat_h = 1\nnode = \"broker.b\"\ncommand = \"pause\"\n");
  EXPECT_NE(load_error(pause.path()).find("takes only kill, stop and crash"), std::string::npos)
      << load_error(pause.path());
  const ScratchFile link(with_standby +
                         "[[fault]]\nat_h = 1\nnode = \"agency.aa\"\ncommand = \"link\"\n"
                         "peer = \"broker.b\"\ndelay_h = 1\n");
  EXPECT_NE(load_error(link.path()).find("is the centre's standby"), std::string::npos)
      << load_error(link.path());
}

TEST(FaultScheduleTest, UnknownCommandOrNodeIsAnError) {
  const ScratchFile bad_command(std::string(kMinimal) +
                                "[[fault]]\nat_h = 1\nnode = \"agency.aa\"\ncommand = \"crush\"\n");
  EXPECT_NE(load_error(bad_command.path()).find("unknown fault command \"crush\""),
            std::string::npos)
      << load_error(bad_command.path());
  const ScratchFile bad_node(std::string(kMinimal) +
                             "[[fault]]\nat_h = 1\nnode = \"agency.zz\"\ncommand = \"crash\"\n");
  EXPECT_NE(load_error(bad_node.path()).find("fault[0].node"), std::string::npos)
      << load_error(bad_node.path());
}

}  // namespace
}  // namespace tearline
