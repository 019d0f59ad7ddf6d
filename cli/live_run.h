// A run directory as tools see it while the run is live: which mode is
// running, its nodes' pids and control endpoints (from <run>/<mode>/nodes.json, written by the
// launcher).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tearline {

struct LiveNode {
  std::string name;
  std::string role;
  pid_t pid = -1;
  std::string control_endpoint;
  std::string public_key;  // CURVE, Z85.
  // A centre after a failover: the member process that hosts it now, where
  // its commands go (docs/DURABILITY.md, "Hot standby"); empty: itself.
  std::string hosted_by;
  // Set when it runs as a Slurm step (launcher/slurm/slurm_steps.h): signals go
  // through Slurm, since `pid` is its srun's.
  std::string slurm_job;
  std::string slurm_step;
};

struct LiveRun {
  std::string mode;
  std::string mode_dir;
  pid_t launcher_pid = -1;
  std::string launcher_control_endpoint;
  std::string launcher_public_key;  // CURVE, Z85.
  std::string keys_dir;             // The run's key set.
  std::vector<LiveNode> nodes;

  const LiveNode* node(const std::string& name) const;
};

// Thrown when the run is not live, or not a run at all.
class NotLive : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The live mode of `run_dir` (or `mode`, if not empty). Throws NotLive
// naming the directory when no launcher is running it.
LiveRun find_live_run(const std::string& run_dir, const std::string& mode);

// True if `pid` is a running process (a zombie counts as gone).
bool process_running(pid_t pid);

}  // namespace tearline
