// The process host's pure parts: the command line that starts a node's
// process, when a node has received the frames due at it, and the kernel's
// limits a run of many processes needs.
#include "launcher/process_host.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "launcher/resource_limits.h"

namespace tearline {
namespace {

ProcessHostOptions options() {
  ProcessHostOptions options;
  options.mode = "coordinated";
  options.scenario_path = "small.toml";
  options.seed = 7;
  options.mode_dir = "/runs/r/coordinated";
  options.keys_dir = "/runs/r/keys";
  options.journaled_nodes = {"broker", "broker.b"};
  options.member_of = {{"broker.b", "broker"}};
  return options;
}

TEST(NodeCommandLine, StartsTheRolesExecutableWithItsFilesInTheModesFolder) {
  const std::vector<std::string> expected = {"/bin/tearline-unit",
                                             "--name",
                                             "unit.north",
                                             "--member",
                                             "unit.north",
                                             "--mode",
                                             "coordinated",
                                             "--scenario",
                                             "/runs/r/coordinated/parts/unit.north.toml",
                                             "--roster",
                                             "/runs/r/coordinated/parts/units.roster.pb",
                                             "--seed",
                                             "7",
                                             "--keys",
                                             "/runs/r/keys",
                                             "--trace",
                                             "/runs/r/coordinated/unit.north.trace.jsonl",
                                             "--log",
                                             "/runs/r/coordinated/unit.north.log",
                                             "--socket-dir",
                                             "/tmp/tearline-1-x"};
  EXPECT_EQ(node_command_line(options(), {}, "/tmp/tearline-1-x", "/bin", "unit.north", "unit"),
            expected);
}

TEST(NodeCommandLine, AStandbyServesItsCentreAndKeepsAJournal) {
  const std::vector<std::string> command =
      node_command_line(options(), {}, "/tmp/s", "/bin", "broker.b", "broker");
  ASSERT_GE(command.size(), 5u);
  EXPECT_EQ(command[2], "broker");                                 // --name: the centre.
  EXPECT_EQ(command[4], "broker.b");                               // --member: itself.
  EXPECT_EQ(command[8], "/runs/r/coordinated/parts/broker.toml");  // --scenario: the centre's part.
  const std::vector<std::string> tail(command.end() - 4, command.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--journal", "/runs/r/coordinated/broker.b.journal",
                                            "--socket-dir", "/tmp/s"}));
}

TEST(NodeCommandLine, WithoutJournalSyncsOnlyJournaledNodesAreToldSo) {
  ProcessHostOptions unsynced = options();
  unsynced.journal_sync = false;
  const std::vector<std::string> standby =
      node_command_line(unsynced, {}, "/tmp/s", "/bin", "broker.b", "broker");
  const std::vector<std::string> tail(standby.end() - 5, standby.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--journal", "/runs/r/coordinated/broker.b.journal",
                                            "--no-journal-sync", "--socket-dir", "/tmp/s"}));
  const std::vector<std::string> unit =
      node_command_line(unsynced, {}, "/tmp/s", "/bin", "unit.north", "unit");
  EXPECT_EQ(std::count(unit.begin(), unit.end(), "--no-journal-sync"), 0);
}

TEST(NodeCommandLine, WithAHostsFileTheWrapperComesFirstAndThePeersFromTheFile) {
  ProcessHostOptions with_hosts = options();
  with_hosts.hosts_file = "hosts.toml";
  const std::vector<std::string> command =
      node_command_line(with_hosts, {"ssh", "host-b"}, "", "/bin", "agency.aa", "agency");
  ASSERT_GE(command.size(), 3u);
  EXPECT_EQ(command[0], "ssh");
  EXPECT_EQ(command[1], "host-b");
  EXPECT_EQ(command[2], "/bin/tearline-agency");
  EXPECT_EQ(command[command.size() - 2], "--hosts");
  EXPECT_EQ(command.back(), "hosts.toml");
}

v1::FrameCount count(const std::string& peer, uint32_t incarnation, uint64_t frames) {
  v1::FrameCount count;
  count.set_peer(peer);
  count.set_peer_incarnation(incarnation);
  count.set_frames(frames);
  return count;
}

TEST(ReceivedAll, EveryPeerIncarnationsFramesMustHaveCome) {
  v1::NodeStatus status;
  *status.add_frames_received() = count("agency.aa", 1, 5);
  *status.add_frames_received() = count("broker", 2, 3);
  EXPECT_TRUE(received_all({}, status));
  EXPECT_TRUE(received_all({count("agency.aa", 1, 5), count("broker", 2, 2)}, status));
  EXPECT_FALSE(received_all({count("agency.aa", 1, 6)}, status));   // One short.
  EXPECT_FALSE(received_all({count("broker", 1, 1)}, status));      // Another incarnation.
  EXPECT_FALSE(received_all({count("unit.north", 1, 1)}, status));  // None from it.
}

TEST(ResourceLimits, ARunNeedsATaskIdPerThread) {
  EXPECT_EQ(check_task_ids(4'000, 32'768), "");  // The kernel's default holds the largest run.
  const std::string error = check_task_ids(4'000, 10'000);
  EXPECT_NE(error.find("kernel.pid_max"), std::string::npos) << error;
  EXPECT_NE(error.find("24256 threads"), std::string::npos) << error;
  EXPECT_EQ(check_task_ids(10, 0), "");  // Unknown: not checked.
}

}  // namespace
}  // namespace tearline
