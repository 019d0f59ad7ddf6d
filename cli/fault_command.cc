#include "cli/fault_command.h"

#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <zmq.hpp>

#include "base/clock.h"
#include "cli/live_run.h"
#include "launcher/fault_log.h"
#include "launcher/slurm/slurm_steps.h"
#include "model/intelligence.h"
#include "node/fault_commands.h"
#include "security/curve.h"
#include "security/keys.h"
#include "trace/trace.h"

namespace tearline {
namespace {

constexpr auto kReplyTimeout = std::chrono::seconds(3);

int fail(int code, const std::string& message) {
  fmt::print(stderr, "tearline fault: {}\n", message);
  return code;
}

bool is_signal_command(const std::string& command) {
  return command == "kill" || command == "stop" || command == "cont";
}

v1::ControlRequest request_for(const FaultOptions& options) {
  v1::ControlRequest request;
  request.set_issued_by(options.issued_by);
  const std::string& command = options.command;
  if (command == "status") request.mutable_status();
  if (command == "pause") request.mutable_pause();
  if (command == "resume") request.mutable_resume();
  if (command == "heal") request.mutable_heal();
  if (command == "crash") request.mutable_crash();
  if (command == "link") *request.mutable_link() = options.link;
  if (command == "queue") *request.mutable_queue() = options.queue;
  if (is_intel_command(command)) *request.mutable_intel() = options.intel;
  if (command == "partition") {
    for (const std::string& peer : options.peers) request.mutable_partition()->add_peers(peer);
  }
  return request;
}

void print_status(const v1::ControlReply& reply) {
  const v1::NodeStatus& status = reply.status();
  fmt::print("{}: scenario hour {:.1f}{}\n", reply.node(), status.now_h(),
             status.paused() ? ", paused" : "");
  for (const auto& [name, depth] : status.queue_depth_msgs()) {
    fmt::print("  queue {:<28} {:>6} msgs\n", name, depth);
  }
  fmt::print("  outbound pending {} msgs; peak RSS {} KiB\n", status.outbound_pending_msgs(),
             status.peak_rss_kib());
  if (status.partitioned_peers_size() > 0) {
    fmt::print("  partitioned from {}\n", fmt::join(status.partitioned_peers(), " "));
  }
  for (const auto& [kind, count] : status.events_by_kind()) {
    fmt::print("  events {:<14} {:>8}\n", kind, count);
  }
}

// Sends one request with CURVE, as the operator, to the member holding
// `server_key`, and waits for its ControlReply; nullopt on no answer.
std::optional<v1::ControlReply> request_reply(const std::string& endpoint,
                                              const std::string& server_key,
                                              const MemberKey& operator_key,
                                              const std::string& payload) {
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  make_curve_client(socket, operator_key, server_key);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  socket.send(zmq::buffer(payload), zmq::send_flags::none);
  std::vector<zmq::pollitem_t> items = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::poll(items, kReplyTimeout);
  zmq::message_t message;
  if (!(items[0].revents & ZMQ_POLLIN) || !socket.recv(message, zmq::recv_flags::dontwait)) {
    return std::nullopt;
  }
  v1::ControlReply reply;
  if (!reply.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    reply.set_ok(false);
    reply.set_error("unreadable reply");
  }
  return reply;
}

// A signal has no reply and the node cannot trace it: the tool records it in
// <mode>/faults.trace.jsonl.
int send_signal(const LiveRun& run, const LiveNode& node, const FaultOptions& options,
                const MemberKey& operator_key) {
  const int signal = options.command == "kill"   ? SIGKILL
                     : options.command == "stop" ? SIGSTOP
                                                 : SIGCONT;
  v1::LauncherRequest now;
  now.set_request_id(1);
  now.set_issued_by(options.issued_by);
  now.mutable_now();
  const auto hour = request_reply(run.launcher_control_endpoint, run.launcher_public_key,
                                  operator_key, now.SerializeAsString());
  if (!hour || !hour->ok()) return fail(1, "the launcher did not say the run's scenario hour");
  record_signal_fault(run.mode_dir, run.mode, node.name, signal, options.issued_by,
                      hour->status().now_h(), system_clock());
  if (!node.slurm_step.empty()) {  // Its pid is its srun's, which passes SIGSTOP on to nobody.
    if (const std::string error = signal_slurm_steps(node.slurm_job, {node.slurm_step}, signal);
        !error.empty()) {
      return fail(1, fmt::format("cannot signal {}: {}", node.name, error));
    }
    fmt::print("{}: SIG{} sent to Slurm step {} of job {}\n", node.name, sigabbrev_np(signal),
               node.slurm_step, node.slurm_job);
    return 0;
  }
  if (kill(node.pid, signal) != 0) {
    return fail(
        1, fmt::format("cannot signal {} (pid {}): {}", node.name, node.pid, std::strerror(errno)));
  }
  fmt::print("{}: SIG{} sent to pid {}\n", node.name, sigabbrev_np(signal), node.pid);
  return 0;
}

int ask_launcher_to_restart(const LiveRun& run, const LiveNode& node, const FaultOptions& options,
                            const MemberKey& operator_key) {
  v1::LauncherRequest request;
  request.set_request_id(1);
  request.set_node(node.name);
  request.set_issued_by(options.issued_by);
  request.mutable_restart()->set_after_h(options.restart_after_h);
  const auto reply = request_reply(run.launcher_control_endpoint, run.launcher_public_key,
                                   operator_key, request.SerializeAsString());
  if (!reply) return fail(1, "the launcher did not answer within 3 s");
  if (!reply->ok()) return fail(1, "the launcher refused: " + reply->error());
  fmt::print("{}: will be started again at scenario hour {:.1f} once it has died\n", node.name,
             reply->restart_at_h());
  return 0;
}

}  // namespace

const std::vector<std::string>& fault_command_names() {
  static const std::vector<std::string> names = {
      "status", "pause", "resume", "link",    "partition", "heal",  "queue",    "crash",
      "kill",   "stop",  "cont",   "restart", "lose",      "delay", "withhold", "share-full"};
  return names;
}

bool is_intel_command(const std::string& command) {
  return command == "lose" || command == "delay" || command == "withhold" ||
         command == "share-full";
}

std::string intel_fault_from_args(const std::string& command, const std::vector<std::string>& args,
                                  std::optional<double> delay_h, v1::IntelFault* fault) {
  if (args.size() != 2) return command + " takes report ID, trace ID or subject NAME";
  if (args[0] == "report") {
    fault->set_report(args[1]);
  } else if (args[0] == "trace") {
    fault->set_trace(args[1]);
  } else if (args[0] == "subject") {
    fault->set_subject(args[1]);
  } else {
    return fmt::format("{} aims at a report, a trace or a subject, not \"{}\"", command, args[0]);
  }
  v1::IntelFault::Action action = v1::IntelFault::ACTION_UNSPECIFIED;
  if (!parse_intel_fault_verb(command, &action)) {
    return fmt::format("\"{}\" is not lose, delay, withhold or share-full", command);
  }
  fault->set_action(action);
  if (command == "delay" && !delay_h) return "delay needs --delay-h";
  if (delay_h) fault->set_delay_h(*delay_h);
  return intel_fault_error(*fault);
}

int fault_command(const FaultOptions& options) {
  LiveRun run;
  try {
    run = find_live_run(options.run_dir, options.mode);
  } catch (const NotLive& error) {
    return fail(1, error.what());
  }
  const LiveNode* node = run.node(options.node);
  if (!node) {
    std::vector<std::string> names;
    for (const LiveNode& known : run.nodes) names.push_back(known.name);
    return fail(2, fmt::format("no node named \"{}\" in the {} run (nodes: {})", options.node,
                               run.mode, fmt::join(names, ", ")));
  }
  MemberKey operator_key;
  const std::string key_path = options.key_path.empty()
                                   ? member_key_path(run.keys_dir, kOperatorMember).string()
                                   : options.key_path;
  try {
    operator_key = load_member_key(key_path);
  } catch (const KeyError& error) {
    return fail(2, std::string("the operator's key is needed: ") + error.what());
  }
  if (options.command == "restart") {
    return ask_launcher_to_restart(run, *node, options, operator_key);
  }
  if (!process_running(node->pid)) {
    return fail(1, fmt::format("node {} (pid {}) is not running", node->name, node->pid));
  }
  if (is_signal_command(options.command)) return send_signal(run, *node, options, operator_key);

  // A fault on a centre goes to the member that hosts it now; signals name
  // a process.
  if (const LiveNode* host = run.node(node->hosted_by); host != nullptr) node = host;
  v1::ControlRequest request = request_for(options);
  request.set_request_id(1);
  const auto answer = request_reply(node->control_endpoint, node->public_key, operator_key,
                                    request.SerializeAsString());
  if (!answer) {
    return fail(1, fmt::format("node {} (pid {}) did not answer within {} s (stopped by "
                               "SIGSTOP?); nothing was changed by this command",
                               node->name, node->pid, kReplyTimeout.count()));
  }
  const v1::ControlReply& reply = *answer;
  if (!reply.ok()) {
    return fail(
        1, fmt::format("{} refused {}: {}", node->name, describe_command(request), reply.error()));
  }
  if (options.command == "status") {
    print_status(reply);
  } else {
    fmt::print("{}: {} (scenario hour {:.1f})\n", node->name, describe_command(request),
               reply.status().now_h());
  }
  return 0;
}

}  // namespace tearline
