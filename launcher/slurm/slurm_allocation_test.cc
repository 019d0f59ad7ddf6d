// The hosts file `tearline run --slurm` writes, read back as `--hosts` reads
// it, and how a step's end is read from its srun's; no Slurm needed.
#include "launcher/slurm/slurm_allocation.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "launcher/slurm/slurm_steps.h"
#include "scenario/endpoints.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kProcesses = {"agency.aa", "broker", "unit.x", "broker.b"};

Endpoints read_back(const std::string& text) {
  const fs::path path = fs::temp_directory_path() / ("slurm-hosts-" + std::to_string(getpid()));
  std::ofstream(path) << text;
  Endpoints endpoints = Endpoints::from_hosts_file(path.string(), kProcesses);
  fs::remove(path);
  return endpoints;
}

std::string host_of(const NodeEndpoints& node) { return node.wrapper.at(5); }  // After -w.

TEST(SlurmHostsFile, SpreadsStepsOverHostsWithTheStandbyAwayFromItsCentre) {
  // Documentation addresses (RFC 5737): nothing is bound, so none is checked.
  const SlurmAllocation allocation{
      "42", {{"c1", "192.0.2.1"}, {"c2", "192.0.2.2"}}, {"c1", "192.0.2.1"}};
  const Endpoints endpoints = read_back(
      slurm_hosts_file(allocation, kProcesses, "broker", "broker.b", PortRange{7100, 7199}, 99));
  EXPECT_EQ(endpoints.launcher_control(), "tcp://192.0.2.1:7100");
  EXPECT_EQ(host_of(endpoints.of("agency.aa")), "c1");
  EXPECT_EQ(host_of(endpoints.of("broker")), "c2");
  EXPECT_EQ(host_of(endpoints.of("broker.b")), "c1");  // Round robin would put it on c2.
  EXPECT_EQ(endpoints.of("broker").data.rfind("tcp://192.0.2.2:", 0), 0u);
  EXPECT_EQ(endpoints.of("unit.x").wrapper,
            (std::vector<std::string>{"srun", "--overlap", "-N1", "-n1", "-w", "c1", "--jobid=42",
                                      "-J", "tearline-99-unit.x", "--quiet"}));
  EXPECT_EQ(endpoints.of("unit.x").slurm_job, "42");
  EXPECT_EQ(endpoints.of("unit.x").slurm_step, slurm_step_name(99, "unit.x"));
  std::set<std::string> used = {endpoints.launcher_control()};
  for (const std::string& process : kProcesses) {
    used.insert(endpoints.of(process).data);
    used.insert(endpoints.of(process).control);
  }
  EXPECT_EQ(used.size(), 1 + 2 * kProcesses.size());  // Every port once.
}

TEST(SlurmHostsFile, SkipsAPortTakenOnThisHostAndSaysWhenTheRangeRunsOut) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t size = sizeof where;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&where), &size), 0);
  const int taken = ntohs(where.sin_port);
  const SlurmAllocation allocation{"7", {{"here", "127.0.0.1"}}, {"here", "127.0.0.1"}};
  const std::string text = slurm_hosts_file(allocation, {"agency.aa", "broker", "unit.x"}, "broker",
                                            "", PortRange{taken, taken + 40}, 1);
  EXPECT_EQ(text.find(":" + std::to_string(taken) + "'"), std::string::npos) << text;
  EXPECT_THROW(slurm_hosts_file(allocation, {"agency.aa", "broker", "unit.x"}, "broker", "",
                                PortRange{taken, taken + 3}, 1),
               SlurmError);
  close(listener);
}

TEST(SlurmPorts, ReadsARangeAndRefusesABadOne) {
  EXPECT_EQ(parse_port_range("8000-8100").first, 8000);
  EXPECT_EQ(parse_port_range("8000-8100").last, 8100);
  for (const std::string bad : {"80-90", "9000-8000", "8000", "8000-70000", "a-b"}) {
    EXPECT_THROW(parse_port_range(bad), SlurmError) << bad;
  }
}

TEST(SlurmSteps, ReadsATasksSignalFromItsSrunsExit) {
  EXPECT_EQ(task_signal_of_srun_exit(128 + SIGKILL), SIGKILL);
  EXPECT_EQ(task_signal_of_srun_exit(1), 0);
  EXPECT_EQ(task_signal_of_srun_exit(128), 0);
  EXPECT_EQ(task_signal_of_srun_exit(255), 0);
}

}  // namespace
}  // namespace tearline
