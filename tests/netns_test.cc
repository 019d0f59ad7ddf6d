// A run across hosts, played by network namespaces: each node of the small
// scenario in its own namespace, joined to the launcher by veth pairs on a
// bridge, every socket tcp:// with CURVE (a hosts file with `ip netns exec`
// wrappers). While each mode runs, the path between two namespaces is cut at
// the packet level (blackhole routes on both sides) and restored. Everything
// is accounted for, and the report is the one the same keys give on one
// machine over ipc://. Needs root; skipped with a message without it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

int sh(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The namespaces, veth pairs and bridge of one test, removed by the
// destructor whatever happened.
class Topology {
 public:
  explicit Topology(const std::vector<std::string>& nodes)
      : tag_("tl" + std::to_string(getpid() % 10'000'000)),
        subnet_("10.213." + std::to_string(getpid() % 250) + ".") {
    ok_ = sh("ip link add " + bridge() + " type bridge") == 0 &&
          sh("ip addr add " + launcher_ip() + "/24 dev " + bridge()) == 0 &&
          sh("ip link set " + bridge() + " up") == 0;
    for (size_t i = 0; ok_ && i < nodes.size(); ++i) {
      const std::string ns = namespace_of(i);
      const std::string outside = tag_ + "a" + std::to_string(i);
      const std::string inside = tag_ + "b" + std::to_string(i);
      namespaces_.push_back(ns);
      ok_ = sh("ip netns add " + ns) == 0 &&
            sh("ip link add " + outside + " type veth peer name " + inside) == 0 &&
            sh("ip link set " + inside + " netns " + ns) == 0 &&
            sh("ip link set " + outside + " master " + bridge()) == 0 &&
            sh("ip link set " + outside + " up") == 0 &&
            sh(in(i, "ip addr add " + ip_of(i) + "/24 dev " + inside)) == 0 &&
            sh(in(i, "ip link set " + inside + " up")) == 0 && sh(in(i, "ip link set lo up")) == 0;
      veths_.push_back(outside);
    }
  }
  ~Topology() {
    for (const std::string& ns : namespaces_) sh("ip netns del " + ns);
    for (const std::string& veth : veths_) sh("ip link del " + veth);
    sh("ip link del " + bridge());
  }

  bool ok() const { return ok_; }
  std::string namespace_of(size_t i) const { return tag_ + "n" + std::to_string(i); }
  std::string ip_of(size_t i) const { return subnet_ + std::to_string(10 + i); }
  std::string launcher_ip() const { return subnet_ + "1"; }
  std::string in(size_t i, const std::string& command) const {
    return "ip netns exec " + namespace_of(i) + " " + command;
  }
  // Drops every packet between nodes a and b (true), or lets them through.
  bool cut(size_t a, size_t b, bool cut) {
    const std::string verb = cut ? "add" : "del";
    return sh(in(a, "ip route " + verb + " blackhole " + ip_of(b) + "/32")) == 0 &&
           sh(in(b, "ip route " + verb + " blackhole " + ip_of(a) + "/32")) == 0;
  }

 private:
  std::string bridge() const { return tag_ + "br"; }

  std::string tag_;
  std::string subnet_;
  bool ok_ = false;
  std::vector<std::string> namespaces_;
  std::vector<std::string> veths_;
};

// The small scenario's nodes, in scenario order.
const std::vector<std::string> kNodes = {"agency.aa", "agency.bb", "broker", "unit.north",
                                         "unit.south"};

fs::path write_hosts_file(const Topology& topology, const fs::path& dir) {
  const fs::path path = dir / "hosts.toml";
  std::ofstream out(path);
  out << "[launcher]\ncontrol = \"tcp://" << topology.launcher_ip() << ":7100\"\n";
  for (size_t i = 0; i < kNodes.size(); ++i) {
    out << "[node.\"" << kNodes[i] << "\"]\n"
        << "data = \"tcp://" << topology.ip_of(i) << ":7101\"\n"
        << "control = \"tcp://" << topology.ip_of(i) << ":7102\"\n"
        << "wrapper = [\"ip\", \"netns\", \"exec\", \"" << topology.namespace_of(i) << "\"]\n";
  }
  return path;
}

// Cuts the path between nodes a and b while the mode runs, for a while.
void cut_while_live(Topology& topology, const fs::path& mode_dir, size_t a, size_t b) {
  ASSERT_TRUE(await_live(mode_dir, std::chrono::seconds(60))) << mode_dir;
  ASSERT_TRUE(topology.cut(a, b, true));
  // The fault's length in wall time: what a cable pulled for a while is.
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(topology.cut(a, b, false));
}

TEST(AcrossHosts, BothModesOverTcpWithCurveSurviveACutPathInNamespaces) {
  if (geteuid() != 0 || sh("ip netns list") != 0) {
    GTEST_SKIP() << "needs root and ip netns (iproute2) to build network namespaces";
  }
  Topology topology(kNodes);
  if (!topology.ok()) GTEST_SKIP() << "could not build namespaces, veth pairs and a bridge here";
  TempDir dir;
  const fs::path keys = dir.path() / "keys";
  ASSERT_EQ(run_tearline({"keys", "small", keys.string()}, dir.path()).exit_code, 0);
  const Finished reference = run_tearline({"run", "small", "--scale", "0", "--keys", keys.string(),
                                           "--out", (dir.path() / "reference").string(), "--quiet"},
                                          dir.path());
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  const fs::path run = dir.path() / "hosts";
  Child launcher(
      {"run", "small", "--scale", "25", "--keys", keys.string(), "--hosts",
       write_hosts_file(topology, dir.path()).string(), "--out", run.string(), "--quiet"},
      dir.path());
  cut_while_live(topology, run / "bilateral", 0, 1);    // agency.aa <-> agency.bb
  cut_while_live(topology, run / "coordinated", 1, 2);  // agency.bb <-> broker
  const auto finished = launcher.wait(180s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 0) << finished->err;
  const nlohmann::json report = read_json(run / "report.json");
  for (const auto& [mode, mode_report] : report["modes"].items()) {
    EXPECT_EQ(mode_report["messages"]["unaccounted"].get<int>(), 0) << mode;
    EXPECT_GT(mode_report["messages"]["created"].get<int>(), 0) << mode;
  }
  EXPECT_EQ(comparable_report(report),
            comparable_report(read_json(dir.path() / "reference" / "report.json")));
  const nlohmann::json nodes = read_json(run / "coordinated" / "nodes.json");
  EXPECT_EQ(nodes["nodes"][2]["data"], "tcp://" + topology.ip_of(2) + ":7101");
}

}  // namespace
}  // namespace tearline::testing
