// The process around a role: one single-threaded poll loop over the node's
// control socket, its data socket and its connections to peers, whose
// timeout is the time to the next deadline (STYLE.md, practice 6).
//
// Sockets: each node binds a ROUTER for data (peers' DEALERs connect to it,
// identified by node name; acknowledgements go back the same way) and a
// ROUTER for control (the launcher and fault tools connect to it). It
// connects one DEALER to each peer it sends to, created on first use.
// Sends never block: a peer at its high-water mark is retried later.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/random.h"
#include "common/role.h"
#include "common/scenario.h"

namespace tearline {

struct NodeOptions {
  std::string name;           // e.g. "agency.uk".
  std::string mode;           // "bilateral" or "coordinated".
  std::string scenario_path;  // The scenario file as run.
  uint64_t seed = 1;
  std::string socket_dir;  // Where the ipc endpoints live.
  std::string trace_path;  // JSON Lines trace file.
  std::string log_path;    // Human log file.
};

using RoleFactory =
    std::function<std::unique_ptr<Role>(const Scenario&, const NodeOptions&, const Random&)>;

// Parses the node command line, loads the scenario, runs the loop until told
// to stop. `role_name` is "agency", "broker" or "unit". Exit codes: 0 stopped
// cleanly, 1 runtime failure, 2 bad usage or scenario, kExitCannotWrite when
// it cannot write its trace (its stderr may be on the same full disk, so the
// code alone must say it).
inline constexpr int kExitCannotWrite = 74;  // EX_IOERR of sysexits.h.

int run_node_main(int argc, char** argv, const std::string& role_name, const RoleFactory& factory);

}  // namespace tearline
