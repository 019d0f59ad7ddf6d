#include "launcher/slurm/slurm_allocation.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "base/invariant.h"
#include "launcher/slurm/slurm_steps.h"
#include "scenario/endpoints.h"

namespace tearline {
namespace {

constexpr size_t kHostsMax = 4096;
constexpr size_t kJobIdCharsMax = 20;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

bool is_host_name(const std::string& text) {
  static const std::regex form(R"([A-Za-z0-9][A-Za-z0-9._\-]{0,252})");
  return std::regex_match(text, form);
}

// `scontrol show node HOST`'s NodeAddr, checked.
std::string address_of(const std::string& host) {
  const std::optional<std::string> shown = command_output({"scontrol", "show", "node", host});
  if (!shown) throw SlurmError(fmt::format("scontrol show node {}: no such node", host));
  std::istringstream words(*shown);
  std::string word;
  while (words >> word) {
    if (word.rfind("NodeAddr=", 0) != 0) continue;
    const std::string address = word.substr(std::string("NodeAddr=").size());
    if (!is_endpoint("tcp://" + address + ":1")) {
      throw SlurmError(fmt::format("node {}: NodeAddr \"{}\" is not an address", host, address));
    }
    return address;
  }
  throw SlurmError(fmt::format("scontrol show node {}: no NodeAddr", host));
}

// False only if the port is known to be taken on this host; true where it
// cannot be checked (an address of another host, or not IPv4).
bool port_looks_free(const std::string& address, int port) {
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &where.sin_addr) != 1) return true;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  const int on = 1;  // As ZeroMQ binds: a port in TIME_WAIT is free to it.
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const bool taken =
      bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 && errno == EADDRINUSE;
  close(fd);
  return !taken;
}

// Hands out the range's ports in order, each once.
class PortPicker {
 public:
  explicit PortPicker(PortRange range) : range_(range), next_(range.first) {}
  std::string endpoint(const std::string& address) {
    while (next_ <= range_.last && !port_looks_free(address, next_)) ++next_;
    if (next_ > range_.last) {
      throw SlurmError(fmt::format("no free port left in {}-{}; give a wider --slurm-ports",
                                   range_.first, range_.last));
    }
    return fmt::format("tcp://{}:{}", address, next_++);
  }

 private:
  PortRange range_;
  int next_;
};

}  // namespace

SlurmAllocation read_slurm_allocation() {
  SlurmAllocation allocation;
  allocation.job_id = environment("SLURM_JOB_ID");
  const std::string node_list = environment("SLURM_JOB_NODELIST");
  if (allocation.job_id.empty() || node_list.empty()) {
    throw SlurmError(
        "--slurm runs inside an allocation (salloc or sbatch): SLURM_JOB_ID and "
        "SLURM_JOB_NODELIST are not set");
  }
  if (allocation.job_id.size() > kJobIdCharsMax ||
      !std::all_of(allocation.job_id.begin(), allocation.job_id.end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; })) {
    throw SlurmError("SLURM_JOB_ID \"" + allocation.job_id + "\" is not a job id");
  }
  const std::optional<std::string> names =
      command_output({"scontrol", "show", "hostnames", node_list});
  if (!names) throw SlurmError("scontrol show hostnames " + node_list + " failed");
  std::istringstream lines(*names);
  std::string host;
  while (lines >> host) {
    if (!is_host_name(host)) throw SlurmError("scontrol named a host \"" + host + "\"");
    if (allocation.hosts.size() == kHostsMax) {
      throw SlurmError(fmt::format("more than {} hosts in the allocation", kHostsMax));
    }
    allocation.hosts.push_back({host, address_of(host)});
  }
  if (allocation.hosts.empty()) throw SlurmError("no hosts in " + node_list);
  std::string here = environment("SLURMD_NODENAME");
  if (here.empty()) {
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    here = name;
  }
  if (!is_host_name(here)) throw SlurmError("this host's name \"" + here + "\" is not usable");
  try {
    allocation.launcher = {here, address_of(here)};
  } catch (const SlurmError& error) {
    throw SlurmError(std::string(error.what()) +
                     "; the launcher listens where the nodes can reach it: run it on a node "
                     "of the cluster (in a batch script, or salloc's shell there)");
  }
  return allocation;
}

PortRange parse_port_range(const std::string& text) {
  static const std::regex form(R"(([0-9]{4,5})-([0-9]{4,5}))");
  std::smatch match;
  if (std::regex_match(text, match, form)) {
    const PortRange range{std::stoi(match[1]), std::stoi(match[2])};
    if (range.first >= 1024 && range.first <= range.last && range.last <= 65535) return range;
  }
  throw SlurmError("--slurm-ports \"" + text + "\": FIRST-LAST, 1024 <= FIRST <= LAST <= 65535");
}

std::string slurm_hosts_file(const SlurmAllocation& allocation,
                             const std::vector<std::string>& processes, const std::string& centre,
                             const std::string& standby, PortRange ports, int launcher_pid) {
  PortPicker picker(ports);
  toml::table file;
  file.insert("launcher", toml::table{{"control", picker.endpoint(allocation.launcher.address)}});
  toml::table nodes;
  const size_t host_count = allocation.hosts.size();
  TEARLINE_ASSERT(host_count > 0);
  const auto centre_at = std::find(processes.begin(), processes.end(), centre);
  const size_t centre_host = static_cast<size_t>(centre_at - processes.begin()) % host_count;
  for (size_t i = 0; i < processes.size(); ++i) {
    const std::string& process = processes[i];
    size_t host_index = i % host_count;
    // The standby exists so that the centre survives its host.
    if (process == standby && host_index == centre_host) host_index = (host_index + 1) % host_count;
    const SlurmHost& host = allocation.hosts[host_index];
    const std::string step = slurm_step_name(launcher_pid, process);
    toml::array wrapper{
        "srun", "--overlap", "-N1",    "-n1", "-w", host.name, "--jobid=" + allocation.job_id,
        "-J",   step,        "--quiet"};
    nodes.insert(process, toml::table{{"data", picker.endpoint(host.address)},
                                      {"control", picker.endpoint(host.address)},
                                      {"wrapper", wrapper},
                                      {"slurm_job", allocation.job_id},
                                      {"slurm_step", step}});
  }
  file.insert("node", nodes);
  std::ostringstream text;
  text << "# Written by tearline run --slurm (job " << allocation.job_id << ")\n" << file << "\n";
  return text.str();
}

}  // namespace tearline
