// Where a run's members listen. On one machine, the default: ipc:// files in
// a short socket folder (sun_path is limited to 107 bytes, so not inside the
// run folder). Across hosts (or network namespaces): a hosts file gives each
// node tcp:// (or ipc://) endpoints, and how to start it there:
//
//   [launcher]
//   control = "tcp://10.0.0.1:7100"
//   [node."agency.uk"]
//   data = "tcp://10.0.0.2:7101"        # its data socket (PULL) binds here
//   control = "tcp://10.0.0.2:7102"     # its control socket (ROUTER)
//   wrapper = ["ssh", "host-b"]         # optional: prefixed to its command
//   slurm_job = "1234"                  # optional, both or neither: the node
//   slurm_step = "tearline-99-agency.uk"  # runs as this step of this job
//
// Every socket is CURVE whatever the transport (docs/SECURITY.md).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tearline {

// A hosts file that cannot be used; what() names the file and the key.
class EndpointsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NodeEndpoints {
  std::string data;
  std::string control;
  // Words put before the node's command when the launcher starts it, e.g.
  // ip netns exec NS, or ssh HOST; empty: started directly.
  std::vector<std::string> wrapper;
  // Set when the wrapper starts it as a Slurm job step (`tearline run
  // --slurm`): signals go to the step's task (launcher/slurm/slurm_steps.h), not
  // to the wrapper's srun.
  std::string slurm_job;
  std::string slurm_step;
};

class Endpoints {
 public:
  // ipc:// endpoints in `socket_dir` for `nodes` and the launcher.
  static Endpoints in_folder(const std::string& socket_dir, const std::vector<std::string>& nodes);
  // Reads a hosts file; every one of `nodes` must be in it, and nothing else.
  static Endpoints from_hosts_file(const std::string& path, const std::vector<std::string>& nodes);

  // Throws EndpointsError for a node it does not know.
  const NodeEndpoints& of(const std::string& node) const;
  const std::string& launcher_control() const { return launcher_control_; }

 private:
  std::map<std::string, NodeEndpoints> nodes_;
  std::string launcher_control_;
};

// True for "tcp://HOST:PORT" and "ipc:///absolute/path" (what the hosts file
// may give).
bool is_endpoint(const std::string& text);

}  // namespace tearline
