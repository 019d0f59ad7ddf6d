// A node process's command line and main (tearline-agency, tearline-unit,
// tearline-broker; runtime/node_main.cc): its options, its log, and the
// process (runtime/node_process.h) run until told to stop.
#pragma once

#include <cstdint>
#include <string>

namespace tearline {

struct NodeOptions {
  std::string name;  // e.g. "agency.uk".
  // The process's own name where it is one of two members of the node (a
  // centre's standby, "broker.b"): its endpoints and files. Empty: `name`.
  std::string member;
  std::string mode;           // "bilateral" or "coordinated".
  std::string scenario_path;  // The scenario file as run, or this node's part of it:
  std::string roster_path;    // with the run's roster (scenario/scenario_part.h).
  uint64_t seed = 1;
  std::string socket_dir;  // Where the ipc endpoints live, or:
  std::string hosts_file;  // Every node's endpoints (scenario/endpoints.h).
  // The run's key set (security/keys.h): this node's <name>.key, and
  // public_keys.toml unless the roster lists the public keys. The path only:
  // keys never travel on a command line.
  std::string keys_dir;
  std::string trace_path;  // JSON Lines trace file.
  // The node's journal (docs/DURABILITY.md); empty when it keeps none.
  std::string journal_path;
  // Commits without fdatasync: durable against the process's death only.
  bool no_journal_sync = false;
  std::string log_path;  // Human log file.
  // The node's end of the launcher's control channel, inherited at spawn
  // (runtime/control_channel.h); -1: the launcher uses the control socket.
  int control_fd = -1;
};

// Parses the node command line, loads the scenario, runs the loop until told
// to stop. `role_name` is "agency", "broker" or "unit". Exit codes: 0 stopped
// cleanly, 1 runtime failure (or the launcher's control channel closed), 2 bad usage or scenario,
// kExitCannotWrite when it cannot write its trace (its stderr may be on the same full disk, so the
// code alone must say it).
inline constexpr int kExitCannotWrite = 74;  // EX_IOERR of sysexits.h.

int run_node_main(int argc, char** argv, const std::string& role_name);

}  // namespace tearline
