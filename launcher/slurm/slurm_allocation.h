// `tearline run --slurm`: a run inside a Slurm allocation (salloc, sbatch).
// The allocation's hosts are read from Slurm, the run's processes spread
// over them, and the result written as a hosts file (scenario/endpoints.h)
// whose wrappers start each process as a job step (launcher/slurm/slurm_steps.h);
// the run then goes exactly as with `--hosts`.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tearline {

// Not inside an allocation, Slurm's tools do not answer, or the allocation
// cannot hold the run; what() says which.
class SlurmError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SlurmHost {
  std::string name;     // As Slurm names the node.
  std::string address;  // Its NodeAddr: where its processes listen.
};

struct SlurmAllocation {
  std::string job_id;
  std::vector<SlurmHost> hosts;  // In Slurm's order.
  SlurmHost launcher;            // This host: the launcher listens here.
};

// The allocation this process runs in: SLURM_JOB_ID, SLURM_JOB_NODELIST
// (expanded by `scontrol show hostnames`), each host's NodeAddr (`scontrol
// show node`), and this host (SLURMD_NODENAME, else the host name), which
// must be a node of the cluster. Throws SlurmError.
SlurmAllocation read_slurm_allocation();

// Ports the launcher gives out, both ends included.
struct PortRange {
  int first = 7100;
  int last = 7999;
};
// "FIRST-LAST", 1024 <= FIRST <= LAST <= 65535; throws SlurmError.
PortRange parse_port_range(const std::string& text);

// The hosts file text: the processes spread round robin over the hosts, a
// standby on another host than its centre where there are two or more, each
// started by `srun --overlap -N1 -n1 -w HOST --jobid=JOB -J NAME` (NAME:
// slurm_step_name(launcher_pid, process)), listening on tcp:// at its
// host's address. Ports are taken in order from `ports`, each used once,
// skipping any that cannot be bound on this host (ports of other hosts
// cannot be checked from here). Throws SlurmError if the range runs out.
std::string slurm_hosts_file(const SlurmAllocation& allocation,
                             const std::vector<std::string>& processes, const std::string& centre,
                             const std::string& standby, PortRange ports, int launcher_pid);

}  // namespace tearline
