// `tearline fault RUN_DIR COMMAND NODE ...`: sends one fault command to a
// node of a live run (its control endpoint), or a signal to its process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tearline/v1/control.pb.h"

namespace tearline {

struct FaultOptions {
  std::string run_dir;
  std::string mode;     // Empty: whichever mode is live.
  std::string command;  // status pause resume link partition heal queue crash kill stop cont
  std::string node;
  std::vector<std::string> peers;  // partition
  v1::SetLink link;                // link (peer, fields)
  v1::SetQueue queue;              // queue (name, fields)
  v1::IntelFault intel;            // lose, delay, withhold, share-full
  double restart_after_h = 0;      // restart
  std::string issued_by = "tearline fault";
  // The operator's key file; empty: operator.key in the run's key set.
  std::string key_path;
};

// The control commands, the signals kill (SIGKILL), stop (SIGSTOP) and cont
// (SIGCONT), and restart (asks the launcher to start a dead node again).
const std::vector<std::string>& fault_command_names();

// Whether `command` is a fault aimed at intelligence: lose, delay,
// withhold, share-full.
bool is_intel_command(const std::string& command);
// The fault of `command` aimed at `args` (report ID, trace ID or subject
// NAME), held delay_h for a delay, into *fault; why it cannot be, or "".
std::string intel_fault_from_args(const std::string& command, const std::vector<std::string>& args,
                                  std::optional<double> delay_h, v1::IntelFault* fault);

// Exit codes: 0 done; 1 the run is not live, the node is not running, did
// not answer, or refused; 2 bad usage (unknown command or node).
int fault_command(const FaultOptions& options);

}  // namespace tearline
