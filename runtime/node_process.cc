#include "runtime/node_process.h"

#include <csignal>
#include <zmq_addon.hpp>

#include "base/invariant.h"
#include "base/peak_memory.h"
#include "node/control_check.h"
#include "node/intake/frame_check.h"
#include "runtime/make_role.h"
#include "security/curve.h"

namespace tearline {
namespace {

// An idle node has no deadline: whatever it waits for (a request, a frame,
// the launcher's channel closing) wakes its poll. It still wakes this often,
// so a node never waits unboundedly; rarely, because every wake-up of every
// idle node costs the run (at 4,000 nodes, 100 ms made start-up grow with
// the square of the nodes).
constexpr auto kPollTimeoutMax = std::chrono::seconds(10);
// While frames wait in an outbox, it is retried this often.
constexpr auto kOutboxRetry = std::chrono::milliseconds(1);

}  // namespace

NodeProcess::NodeProcess(const NodeOptions& options, const std::string& role,
                         const Scenario& scenario, std::shared_ptr<spdlog::logger> log,
                         MemberKey key, PublicKeys public_keys, Endpoints endpoints,
                         ControlChannel channel)
    : options_(options),
      member_(options.member.empty() ? options.name : options.member),
      role_(role),
      scenario_(scenario),
      log_(log),
      key_(std::move(key)),
      origins_(public_keys.signing_by_name()),
      trace_writer_(options.trace_path),
      core_(
          {options.name, options.mode, options.seed}, scenario,
          [this](const Random& random) {
            return make_role(role_, scenario_, options_.name, options_.mode, random, key_.secret,
                             ReportSigner(options_.name, key_.signing_seed));
          },
          trace_writer_, *this, origins_, log),
      sockets_(scenario, options.name, member_, key_, std::move(public_keys), std::move(endpoints),
               log),
      standby_(options.name, member_, other_member_of(scenario, options.name, member_),
               options.journal_path, sockets_, log),
      control_server_(options.name, sockets_.control(), *this, log, std::move(channel)) {
  for (const std::string& name : scenario.described_node_names()) known_nodes_.insert(name);
  if (!options.journal_path.empty()) {
    journal_.emplace(options.journal_path, NodeIdentity{options.name, options.mode, options.seed},
                     member_, !options.no_journal_sync);
  }
}

std::string NodeProcess::start(const v1::Start& start, const std::string& issuer) {
  if (core_.started()) return "already started";
  if (std::string error = start_error(start, scenario_); !error.empty()) return error;
  for (const auto& [node, member] : start.hosts()) sockets_.route(node, member);
  standby_.drop_replica();  // A passive member taking over: its copy is now its journal.
  if (!journal_) {
    core_.start(start.begin_h(), start.incarnation(), start.end_h(), issuer);
    return "";
  }
  try {
    journal_->start(core_, trace_writer_, options_.trace_path, start, issuer);
  } catch (const JournalError& failure) {
    return failure.what();
  }
  if (journal_->replayed_records() > 0) {
    log_->info("replayed {} journal records", journal_->replayed_records());
  }
  return "";
}

void NodeProcess::stop(const std::string& issuer) {
  standby_.start_stream("", false);  // The run is over: no failover will need the copy.
  release_held();
  if (core_.started()) core_.stop(issuer);  // A passive member holds nothing.
}

std::string NodeProcess::replicate(const std::string& member) {
  std::string error = standby_.start_stream(member, journal_active());
  release_held();
  return error;
}

std::string NodeProcess::apply_fault(const v1::ControlRequest& request, const std::string& issuer) {
  std::string error;
  core_.apply_fault(request, issuer, &error);
  if (journal_active()) journal_->record_fault(request, issuer);
  return error;
}

void NodeProcess::peer_gone(const std::string& node) {
  if (!standby_.streams_to(node)) return;
  log_->warn("{} died: the journal streams to no standby", node);
  standby_.start_stream("", false);
  release_held();
}

std::string NodeProcess::grant_refusal(const v1::Grant& grant) {
  return core_.started() ? grant_error(grant, scenario_) : "the node has not started";
}

v1::RoundReport NodeProcess::run_window(const v1::Grant& grant) {
  // grant_refusal() admits no grant before the start, and a start is never
  // undone.
  TEARLINE_ASSERT(core_.started());
  for (const v1::PeerState& peer : grant.peers()) {
    if (peer.up()) sockets_.route(peer.node(), peer.member());
  }
  if (journal_) journal_->record_window(grant);
  v1::RoundReport report = core_.run_window(grant);
  // What this window did is durable before anything it sent can be seen.
  make_durable();
  flush_outbox();
  return report;
}

void NodeProcess::make_durable() {
  if (journal_active()) {
    journal_->commit(trace_writer_);
    standby_.committed(journal_->written_bytes());
  } else {
    trace_writer_.flush();
  }
}

void NodeProcess::fill_status(v1::NodeStatus* status) {
  core_.fill_status(status);
  status->set_peak_rss_kib(peak_resident_kib());
  if (journal_active()) {
    status->set_journal_bytes(journal_->written_bytes());
  } else if (const std::optional<uint64_t> copy_bytes = standby_.replica_bytes()) {
    status->set_journal_bytes(*copy_bytes);
  }
}

void NodeProcess::replied() {
  if (core_.crash_requested()) crash_now();
}

void NodeProcess::release_held() {
  if (holding()) return;
  control_server_.release_held();
  flush_outbox();
}

void NodeProcess::flush_outbox() {
  if (!holding()) sockets_.flush();
}

void NodeProcess::pump_stream() {
  if (journal_) standby_.pump(journal_->written_bytes());
}

void NodeProcess::handle_data() {
  zmq::socket_t& data = sockets_.data();
  zmq::message_t message;
  if (!data.recv(message, zmq::recv_flags::dontwait)) return;
  // The ZAP handler admitted only the scenario's other nodes.
  const std::string from = authenticated_member(message);
  bool single_part = !message.more();
  while (message.more() && data.recv(message, zmq::recv_flags::dontwait)) single_part = false;
  if (from == options_.name && !standby_.other_member().empty()) {
    if (!single_part) return;
    const StandbyLink::Received received = standby_.receive(message, core_.started());
    if (received.rejection) core_.reject_frame(options_.name, *received.rejection);
    if (received.acknowledged) release_held();
    return;
  }
  if (!known_nodes_.contains(from) || from == options_.name) {
    // The ZAP handler admits no such sender: a bug, or a key set changed
    // under a running node. Traced as every dropped frame is.
    core_.reject_frame(from.substr(0, kIdBytesMax), {"rejected:not-a-peer", ""});
    return;
  }
  v1::Frame frame;
  if (!single_part || !frame.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    core_.reject_frame(from, {"rejected:unreadable", ""});
    return;
  }
  if (!core_.take_frame(from, frame)) return;
  control_server_.count_frame(from, frame.sender_incarnation());
  if (journal_) journal_->record_frame(from, frame);
}

void NodeProcess::crash_now() {
  // As if killed: what the node did is durable (each window and command is
  // flushed), nothing else happens. The control reply is queued; closing
  // the sockets lets ZeroMQ deliver it within its linger.
  log_->flush();
  standby_.close();
  sockets_.close();
  std::raise(SIGKILL);
  std::_Exit(137);  // Not reached: SIGKILL cannot be caught.
}

void NodeProcess::step(std::chrono::milliseconds max_wait) {
  std::vector<zmq::pollitem_t> items = {{sockets_.control().handle(), 0, ZMQ_POLLIN, 0},
                                        {sockets_.data().handle(), 0, ZMQ_POLLIN, 0}};
  const int channel_fd = control_server_.channel_fd();
  if (channel_fd >= 0) items.push_back({nullptr, channel_fd, ZMQ_POLLIN, 0});
  const bool waiting = !sockets_.outbox_empty() || standby_.waiting();
  zmq::poll(items, waiting ? std::min(max_wait, kOutboxRetry) : max_wait);
  // Every frame queued is read before a control request, so a grant finds
  // what has come.
  if (items[1].revents & ZMQ_POLLIN) {
    while (sockets_.data().get(zmq::sockopt::events) & ZMQ_POLLIN) handle_data();
    pump_stream();  // The frames just journaled, to the standby too.
  }
  if (items[0].revents & ZMQ_POLLIN) control_server_.handle();
  // A closed channel reads as an error or as readable.
  if (channel_fd >= 0 && items[2].revents) control_server_.handle_channel();
  control_server_.run_grant_if_ready();
  flush_outbox();
  standby_.flush();
}

int NodeProcess::run() {
  log_->info("{} up ({} mode, seed {})", options_.name, options_.mode, options_.seed);
  while (!stopped()) step(kPollTimeoutMax);
  log_->info("stopped at {:.1f} h; {} trace events; peak RSS {} KiB", core_.reached_h(),
             core_.events_written(), peak_resident_kib());
  return control_server_.launcher_gone() ? 1 : 0;
}

}  // namespace tearline
