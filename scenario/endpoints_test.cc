#include "scenario/endpoints.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tearline {
namespace {

namespace fs = std::filesystem;

class HostsFileTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove(path_); }

  Endpoints load(const std::string& text) {
    std::ofstream(path_) << text;
    return Endpoints::from_hosts_file(path_.string(), {"agency.aa", "broker"});
  }
  std::string error_of(const std::string& text) {
    try {
      load(text);
    } catch (const EndpointsError& error) {
      return error.what();
    }
    return "";
  }

  const std::string kLauncher = "[launcher]\ncontrol = \"tcp://10.0.0.1:7100\"\n";
  const std::string kBroker =
      "[node.\"broker\"]\ndata = \"tcp://10.0.0.3:7101\"\ncontrol = \"tcp://10.0.0.3:7102\"\n";
  fs::path path_ = fs::temp_directory_path() / ("hosts-" + std::to_string(getpid()) + ".toml");
};

TEST_F(HostsFileTest, GivesEveryNodesEndpointsAndWrapper) {
  const Endpoints endpoints = load(kLauncher + kBroker +
                                   "[node.\"agency.aa\"]\ndata = \"tcp://10.0.0.2:7101\"\n"
                                   "control = \"ipc:///tmp/aa.control\"\n"
                                   "wrapper = [\"ip\", \"netns\", \"exec\", \"ns1\"]\n");
  EXPECT_EQ(endpoints.launcher_control(), "tcp://10.0.0.1:7100");
  EXPECT_EQ(endpoints.of("agency.aa").data, "tcp://10.0.0.2:7101");
  EXPECT_EQ(endpoints.of("agency.aa").control, "ipc:///tmp/aa.control");
  EXPECT_EQ(endpoints.of("agency.aa").wrapper,
            (std::vector<std::string>{"ip", "netns", "exec", "ns1"}));
  EXPECT_TRUE(endpoints.of("broker").wrapper.empty());
  EXPECT_THROW(endpoints.of("unit.x"), EndpointsError);
}

TEST_F(HostsFileTest, NamesWhatIsMissingOrWrong) {
  EXPECT_NE(error_of(kLauncher + kBroker).find("no [node.\"agency.aa\"]"), std::string::npos);
  EXPECT_NE(error_of(kBroker).find("[launcher]"), std::string::npos);
  EXPECT_NE(error_of(kLauncher + kBroker + "[node.\"agency.zz\"]\n").find("not a node"),
            std::string::npos);
  EXPECT_NE(error_of(kLauncher + "[node.\"broker\"]\ndata = \"udp://x:1\"\n").find("broker\".data"),
            std::string::npos);
  EXPECT_NE(error_of(kLauncher + kBroker + "port = 1\n").find("unknown key"), std::string::npos);
  EXPECT_NE(error_of("[launcher\n").find(path_.string()), std::string::npos);
}

TEST_F(HostsFileTest, AnErrorNamesTheLineAndTheNode) {
  EXPECT_EQ(error_of(kLauncher + "[node.\"broker\"]\ndata = \"udp://x:1\"\n"),
            path_.string() +
                ":4: node.\"broker\".data: \"udp://x:1\" is not tcp://HOST:PORT or ipc:///PATH");
  EXPECT_EQ(error_of(kLauncher + kBroker +
                     "[node.\"agency.aa\"]\ndata = \"tcp://h:1\"\n"
                     "control = \"tcp://h:2\"\nwrapper = [\"ssh\", 1]\n"),
            path_.string() + ":9: node.\"agency.aa\".wrapper: strings only");
}

TEST(Endpoints, InAFolderAreIpcFiles) {
  const Endpoints endpoints = Endpoints::in_folder("/tmp/s", {"broker"});
  EXPECT_EQ(endpoints.of("broker").data, "ipc:///tmp/s/broker.data");
  EXPECT_EQ(endpoints.launcher_control(), "ipc:///tmp/s/launcher.control");
  EXPECT_TRUE(is_endpoint("tcp://[::1]:80"));
  EXPECT_FALSE(is_endpoint("tcp://host"));
  EXPECT_FALSE(is_endpoint("ipc://relative"));
}

TEST_F(HostsFileTest, GivesTheSlurmStepANodeRunsAs) {
  const Endpoints endpoints =
      load(kLauncher + kBroker +
           "[node.\"agency.aa\"]\ndata = \"tcp://10.0.0.2:7101\"\n"
           "control = \"tcp://10.0.0.2:7102\"\nslurm_job = \"12\"\nslurm_step = \"tl-1-aa\"\n");
  EXPECT_EQ(endpoints.of("agency.aa").slurm_job, "12");
  EXPECT_EQ(endpoints.of("agency.aa").slurm_step, "tl-1-aa");
  EXPECT_TRUE(endpoints.of("broker").slurm_step.empty());
  const std::string agency =
      "[node.\"agency.aa\"]\ndata = \"tcp://h:1\"\ncontrol = \"tcp://h:2\"\n";
  EXPECT_NE(error_of(kLauncher + kBroker + agency + "slurm_job = \"12\"\n").find("go together"),
            std::string::npos);
  EXPECT_NE(error_of(kLauncher + kBroker + agency + "slurm_job = \"x\"\nslurm_step = \"s\"\n")
                .find("digits"),
            std::string::npos);
  EXPECT_NE(error_of(kLauncher + kBroker + agency + "slurm_job = \"1\"\nslurm_step = \"a b\"\n")
                .find("slurm_step"),
            std::string::npos);
}

}  // namespace
}  // namespace tearline
