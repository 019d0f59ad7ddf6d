// The process around a role: one single-threaded poll loop over the node's
// control socket, its data socket and its connections to peers, whose
// timeout is the time to the next deadline (docs/STYLE.md, practice 6).
//
// Sockets, all CURVE (docs/SECURITY.md): each node binds a PULL for data,
// which admits the scenario's other nodes and knows each frame's sender by
// the key that sent it, and a ROUTER for control, which admits only the
// launcher and the operator. It connects one PUSH to each peer it sends to
// (acknowledgements included), created on first use. Sends never block: a
// peer at its high-water mark is retried later.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "model/random.h"
#include "node/role.h"
#include "scenario/scenario.h"
#include "security/keys.h"

namespace tearline {

struct NodeOptions {
  std::string name;  // e.g. "agency.uk".
  // The process's own name where it is one of two members of the node (a
  // centre's standby, "broker.b"): its endpoints and files. Empty: `name`.
  std::string member;
  std::string mode;           // "bilateral" or "coordinated".
  std::string scenario_path;  // The scenario file as run.
  uint64_t seed = 1;
  std::string socket_dir;  // Where the ipc endpoints live, or:
  std::string hosts_file;  // Every node's endpoints (scenario/endpoints.h).
  // The run's key set (security/keys.h): this node's <name>.key and
  // public_keys.toml. The path only: keys never travel on a command line.
  std::string keys_dir;
  std::string trace_path;  // JSON Lines trace file.
  // The node's journal (docs/DURABILITY.md); empty when it keeps none.
  std::string journal_path;
  std::string log_path;  // Human log file.
};

// Makes the node's role; `secret` is the node's own secret key (an agency's
// sealing key, the centre's pseudonym key), `signer` signs as the node the
// reports it writes.
using RoleFactory =
    std::function<std::unique_ptr<Role>(const Scenario&, const NodeOptions&, const Random&,
                                        const SecretKey& secret, const ReportSigner& signer)>;

// Parses the node command line, loads the scenario, runs the loop until told
// to stop. `role_name` is "agency", "broker" or "unit". Exit codes: 0 stopped
// cleanly, 1 runtime failure, 2 bad usage or scenario, kExitCannotWrite when
// it cannot write its trace (its stderr may be on the same full disk, so the
// code alone must say it).
inline constexpr int kExitCannotWrite = 74;  // EX_IOERR of sysexits.h.

int run_node_main(int argc, char** argv, const std::string& role_name, const RoleFactory& factory);

}  // namespace tearline
