#include "runtime/node_runtime.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

#include "runtime/control_channel.h"
#include "runtime/node_process.h"
#include "scenario/scenario_part.h"

namespace tearline {

int run_node_main(int argc, char** argv, const std::string& role_name) {
  // libprotobuf would log each refused string that is not UTF-8 to stderr,
  // where a member's junk could grow the file without bound; the refusal is
  // traced ("rejected:unreadable") instead.
  google::protobuf::SetLogHandler(nullptr);
  NodeOptions options;
  CLI::App app{"tearline " + role_name +
               " node: one process of a tearline run. Normally started by `tearline run`, "
               "which passes these options; see README.md."};
  app.add_option("--name", options.name, "node name, as in the scenario (e.g. agency.uk)")
      ->required();
  app.add_option("--member", options.member,
                 "the process's own name where the node has two (a centre's standby, e.g. "
                 "broker.b): its endpoints; the node's name when omitted");
  app.add_option("--mode", options.mode, "bilateral or coordinated")
      ->required()
      ->check(CLI::IsMember({"bilateral", "coordinated"}));
  app.add_option("--scenario", options.scenario_path,
                 "scenario file: the whole file, or with --roster this node's part of it")
      ->required();
  app.add_option("--roster", options.roster_path,
                 "the run's roster, which the launcher writes beside each node's part of the "
                 "scenario: the other nodes and every member's public key "
                 "(scenario/scenario_part.h)");
  app.add_option("--seed", options.seed, "seed of every random decision");
  auto* socket_dir =
      app.add_option("--socket-dir", options.socket_dir, "directory of the ipc endpoints");
  auto* hosts = app.add_option("--hosts", options.hosts_file,
                               "hosts file: every node's endpoints (instead of --socket-dir)");
  socket_dir->excludes(hosts);
  app.add_option("--keys", options.keys_dir,
                 "the run's key folder: <name>.key (this node's) and, without --roster, "
                 "public_keys.toml")
      ->required();
  app.add_option("--trace", options.trace_path, "trace file (JSON Lines)")->required();
  app.add_option("--journal", options.journal_path,
                 "journal file: what the node takes in, replayed after a crash "
                 "(docs/DURABILITY.md); none when omitted");
  app.add_flag("--no-journal-sync", options.no_journal_sync,
               "commit the journal and trace without fdatasync: they survive the process's "
               "death, not the machine's");
  app.add_option("--log", options.log_path, "log file")->required();
  app.add_option("--control-fd", options.control_fd,
                 "descriptor of the launcher's control channel, inherited at spawn (a "
                 "SEQPACKET socket); the control socket alone when omitted")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  // What stops the process, on stderr (its log may not exist yet); the code.
  const auto fail = [&](const std::string& why, int exit_code) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 why.c_str());
    return exit_code;
  };
  Scenario scenario;
  std::optional<v1::Roster> roster;
  try {
    if (!options.roster_path.empty()) roster = load_roster(options.roster_path);
    scenario = roster ? load_scenario_part(options.scenario_path, *roster)
                      : load_scenario(options.scenario_path);
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "tearline-%s: %s\n", role_name.c_str(), error.what());
    return 2;
  }
  if (!options.member.empty() && options.member != options.name &&
      !(has_two_members(scenario, options.name) && options.member == scenario.broker.standby)) {
    return fail(
        "--member " + options.member + " is not a member of " + options.name + " in the scenario",
        2);
  }
  if (options.socket_dir.empty() == options.hosts_file.empty()) {
    std::fprintf(stderr, "tearline-%s: give --socket-dir or --hosts\n", role_name.c_str());
    return 2;
  }
  Endpoints endpoints;
  try {
    endpoints = options.hosts_file.empty()
                    ? Endpoints::in_folder(options.socket_dir, scenario.described_process_names())
                    : Endpoints::from_hosts_file(options.hosts_file, scenario.process_names());
  } catch (const EndpointsError& error) {
    return fail(error.what(), 2);
  }
  ControlChannel channel;
  if (std::string error;
      options.control_fd >= 0 && !ControlChannel::adopt(options.control_fd, &channel, &error)) {
    return fail(error, 2);
  }
  MemberKey key;
  PublicKeys public_keys;
  try {
    key = load_member_key(member_key_path(options.keys_dir, options.name));
    // A member more than the nodes: the launcher, the operator, a standby.
    constexpr size_t kMembersBeyondNodes = 3;
    public_keys =
        roster ? public_keys_of(*roster, scenario.process_names().size() + kMembersBeyondNodes,
                                options.roster_path)
               : load_public_keys(public_keys_path(options.keys_dir));
    if (key.name != options.name) throw KeyError("the key is " + key.name + "'s");
  } catch (const KeyError& error) {
    return fail(error.what(), 2);
  }
  try {
    auto log = spdlog::basic_logger_mt(options.name, options.log_path, true);
    log->flush_on(spdlog::level::info);
    NodeProcess process(options, role_name, scenario, log, std::move(key), std::move(public_keys),
                        std::move(endpoints), std::move(channel));
    return process.run();
  } catch (const TraceWriteError& error) {
    return fail(error.what(), kExitCannotWrite);
  } catch (const JournalError& error) {
    return fail(error.what(), kExitCannotWrite);
  } catch (const std::exception& error) {
    return fail(error.what(), 1);
  }
}

}  // namespace tearline
