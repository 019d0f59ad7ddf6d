// `tearline run`: one scenario, one seed, through one or both modes, as real
// processes; writes a run directory and reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tearline {

struct RunOptions {
  std::string scenario;  // A path, or a name under scenarios/.
  std::string mode = "both";
  std::optional<uint64_t> seed;
  std::optional<double> ms_per_scenario_hour;
  std::string out_dir;  // Empty: runs/<scenario>-<time>-seed<N>.
  bool quiet = false;   // No progress and no report on stdout.
  // Start a node that died again this many scenario hours later.
  std::optional<double> restart_delay_h;
  // Adds a schedule of mixed faults drawn from this seed (chaos.h).
  std::optional<uint64_t> chaos_seed;
  // The reference run: every node in the launcher's process.
  bool in_process = false;
  // No report.html (a sweep's runs: their report.json is what it reads).
  bool no_html = false;
  // A key set made by `tearline keys` (security/keys.h); empty: fresh keys
  // in <run>/keys.
  std::string keys_dir;
  // Every node's endpoints and how to start it (scenario/endpoints.h); empty:
  // ipc:// on this machine.
  std::string hosts_file;
  // Inside a Slurm allocation: the nodes as job steps over its hosts, with
  // tcp:// endpoints on ports from `slurm_ports` ("FIRST-LAST"), through a
  // hosts file written into the run folder (launcher/slurm/slurm_allocation.h).
  bool slurm = false;
  std::string slurm_ports = "7100-7999";
  // Serve the live view (live_server.h) on this port of 127.0.0.1; 0: any
  // free port.
  std::optional<uint16_t> live_port;
  // The run folder and its files readable by the group too (0750, 0640);
  // by default the owner's only (0700, 0600; launcher/file_modes.h).
  bool group_readable = false;
  // Journaled nodes as processes sync each commit (fdatasync), so it
  // survives a crash of the machine it is on, not only the death of its
  // process (docs/DURABILITY.md). Unset: only where nodes run on other
  // hosts (--hosts, --slurm), whose crash the launcher outlives; on one
  // machine the launcher dies with it, and no run goes on from a journal.
  std::optional<bool> journal_sync;
  // The launcher reaches the nodes it starts on this machine over a
  // socketpair each rather than their CURVE control socket.
  bool control_channel = true;
};

// Exit codes: 0 the run completed and every message is accounted for; 1 a
// node died unexpectedly, messages are unaccounted for, or the machine's
// limits cannot be raised as far as the run needs; 2 bad usage, a bad
// scenario, a --live port that cannot be served, or --slurm outside an
// allocation (or one that cannot hold the run); 130 interrupted (SIGINT,
// SIGTERM, SIGHUP: every node stops at one scenario hour).
int run_command(const RunOptions& options);

// `tearline keys SCENARIO DIR`: a fresh key set for the scenario's members.
// Exit codes: 0 made; 2 a bad scenario, or DIR cannot be made or holds keys.
int keys_command(const std::string& scenario, const std::string& dir);

// Where `tearline run NAME` looks for NAME.toml besides the path itself.
std::string resolve_scenario_path(const std::string& scenario);

}  // namespace tearline
