#include "runtime/node_runtime.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <csignal>
#include <deque>
#include <map>
#include <optional>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "node/control_check.h"
#include "scenario/endpoints.h"
#include "node/fault_commands.h"
#include "node/intake/frame_check.h"
#include "durability/journal_replica.h"
#include "durability/journal_stream.h"
#include "node/node_core.h"
#include "durability/node_journal.h"
#include "base/peak_memory.h"
#include "trace/trace.h"
#include "security/curve.h"
#include "security/zap_handler.h"

namespace tearline {
namespace {

// A centre with a hot standby: two member processes, one node.
bool has_two_members(const Scenario& scenario, const std::string& node) {
  return node == scenario.broker.name && !scenario.broker.standby.empty();
}

// The member of `node` other than `member`, or empty.
std::string other_member_of(const Scenario& scenario, const std::string& node,
                            const std::string& member) {
  if (!has_two_members(scenario, node)) return "";
  return member == node ? scenario.broker.standby : node;
}

// Frames a peer's socket queues before sends would block; beyond it frames
// wait in the node's own outbox.
constexpr int kHighWaterMarkMsgs = 100'000;
// The loop wakes at least this often, so a node never waits unboundedly.
constexpr auto kMaxPollTimeout = std::chrono::milliseconds(100);
// While frames wait in the outbox, it is retried this often.
constexpr auto kOutboxRetry = std::chrono::milliseconds(1);
constexpr int kControlLingerMs = 1000;
constexpr int kIoThreads = 1;

// ZeroMQ refuses sockets beyond its limit (1,023 by default): a centre
// holds one per peer, besides its own (control, data, ZAP, a member's).
int zmq_sockets_needed(const Scenario& scenario) {
  constexpr int kOwnSockets = 8;
  return static_cast<int>(scenario.node_names().size()) + kOwnSockets;
}

// Who may connect to a node: its peers on data (and a centre's other
// member, which holds the centre's own key), the launcher and the operator
// on control.
ZapPolicy zap_policy(const Scenario& scenario, const std::string& self) {
  ZapPolicy policy;
  for (const std::string& name : scenario.node_names()) {
    if (name != self || has_two_members(scenario, self)) policy[kDataDomain].insert(name);
  }
  policy[kControlDomain] = {kLauncherMember, kOperatorMember};
  return policy;
}

// Commands that drive the node's life and time: the launcher's alone.
bool launcher_only(const v1::ControlRequest& request) {
  return request.has_grant() || request.has_start() || request.has_stop() ||
         request.has_peer_gone() || request.has_replicate();
}

// A node's process: its sockets around a NodeCore. The time authority's
// grants come on the control socket; the core's frames go out through one
// DEALER per peer (routing id: this node's name) to the peer's data ROUTER.
class NodeProcess final : public FrameSink {
 public:
  NodeProcess(const NodeOptions& options, const Scenario& scenario, const RoleFactory& factory,
              std::shared_ptr<spdlog::logger> log, MemberKey key, PublicKeys public_keys,
              Endpoints endpoints)
      : options_(options),
        member_(options.member.empty() ? options.name : options.member),
        other_member_(other_member_of(scenario, options.name, member_)),
        scenario_(scenario),
        log_(log),
        key_(std::move(key)),
        public_keys_(std::move(public_keys)),
        origins_(public_keys_.signing_by_name()),
        endpoints_(std::move(endpoints)),
        trace_writer_(options.trace_path),
        core_(
            {options.name, options.mode, options.seed}, scenario,
            [&](const Random& random) {
              return factory(scenario, options, random, key_.secret,
                             ReportSigner(options.name, key_.signing_seed));
            },
            trace_writer_, *this, origins_, log),
        context_(kIoThreads, zmq_sockets_needed(scenario)),
        zap_(context_, public_keys_, zap_policy(scenario, options.name), log),
        control_(context_, zmq::socket_type::router),
        data_(context_, zmq::socket_type::pull) {
    for (const std::string& name : scenario.node_names()) known_nodes_.insert(name);
    if (!options.journal_path.empty()) {
      journal_.emplace(options.journal_path, NodeIdentity{options.name, options.mode, options.seed},
                       member_);
    }
    make_curve_server(control_, key_, kControlDomain);
    control_.set(zmq::sockopt::linger, kControlLingerMs);
    control_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxControlRequestBytes));
    control_.bind(endpoints_.of(member_).control);
    make_curve_server(data_, key_, kDataDomain);
    data_.set(zmq::sockopt::linger, 0);
    data_.set(zmq::sockopt::rcvhwm, kHighWaterMarkMsgs);
    data_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxDataFrameBytes));
    data_.bind(endpoints_.of(member_).data);
  }

  int run();

  // FrameSink: frames wait here until the window's trace is durable.
  void deliver(const std::string& peer, const v1::Frame& frame) override {
    outbox_.push_back({peer, frame.SerializeAsString()});
  }

 private:
  struct PendingGrant {
    zmq::message_t routing_id;
    v1::ControlRequest request;
  };

  void handle_control();
  // Sends a control reply, or holds it while the standby lacks part of the
  // journal (holding()).
  void reply(const zmq::message_t& routing_id, const v1::ControlReply& reply);
  // Carries out a request other than a grant; fills `reply`.
  void carry_out(const v1::ControlRequest& request, const std::string& issuer,
                 v1::ControlReply* reply);
  void handle_data();
  // Starts the core, recovering from its journal if it keeps one.
  void start(const v1::Start& start, const std::string& issuer, std::string* error);
  // Runs the pending grant once every expected frame has come.
  void run_grant_if_ready();
  // The pending grant no longer waits for frames from `peer`'s process,
  // which died (PeerGone).
  void forget_frames_of(const std::string& peer);
  // Makes what the node did durable before anything it sent can be seen:
  // its trace, and its journal if it keeps one.
  void make_durable();
  // Sends what the outbox holds, as far as the peers' sockets take it.
  void flush_outbox();
  zmq::socket_t& peer_socket(const std::string& peer);
  // Frames for `node` go to the process `member` from now (empty: the
  // node's own), after a centre's failover.
  void route(const std::string& node, const std::string& member);

  // A centre's hot standby (docs/DURABILITY.md, "Hot standby").
  // The active member: what it made durable leaves it only once the passive
  // member holds it too, unless it streams to none.
  bool holding() const { return stream_ && stream_->durable_bytes() < hold_until_bytes_; }
  // Sends what holding() kept back, once it no longer holds.
  void release_held();
  // Starts (or, with an empty member, stops) streaming the journal to the
  // other member; an error text if it cannot.
  std::string start_stream(const std::string& member);
  // Queues the journal bytes written since the last chunk.
  void pump_stream();
  void flush_member_outbox();
  zmq::socket_t& member_socket();
  // A chunk of the journal (the passive member) or the answer to one (the
  // active member).
  void handle_replication(const zmq::message_t& message);
  [[noreturn]] void crash_now();

  NodeOptions options_;
  const std::string member_;        // This process's name: the node's, or its standby's.
  const std::string other_member_;  // A centre's other member; empty for other nodes.
  const Scenario& scenario_;
  std::shared_ptr<spdlog::logger> log_;
  MemberKey key_;
  PublicKeys public_keys_;
  OriginVerifier origins_;  // The members' public signing keys.
  Endpoints endpoints_;
  JsonlTraceWriter trace_writer_;
  NodeCore core_;
  std::optional<NodeJournal> journal_;
  std::set<std::string> known_nodes_;
  // Declared in this order: the sockets close before the ZAP handler stops,
  // and all before their context.
  zmq::context_t context_;
  ZapHandler zap_;
  zmq::socket_t control_;
  zmq::socket_t data_;
  std::map<std::string, zmq::socket_t> peers_;
  std::optional<zmq::socket_t> member_socket_;
  std::deque<std::pair<std::string, std::string>> outbox_;
  // Node -> the member process that hosts it now, where not the node's own.
  std::map<std::string, std::string> hosts_;
  std::optional<JournalReplica> replica_;  // The passive member's copy.
  std::optional<JournalStream> stream_;    // The active member's stream to it.
  std::deque<std::string> member_outbox_;  // Serialized Replication messages.
  // The journal's length at the last commit: what the standby must hold
  // before anything leaves.
  uint64_t hold_until_bytes_ = 0;
  std::deque<std::pair<std::string, std::string>> held_replies_;  // (routing id, reply)
  // Frames of this incarnation received from each peer.
  // By (peer, the peer's incarnation).
  std::map<std::pair<std::string, uint32_t>, uint64_t> frames_from_;
  std::optional<PendingGrant> grant_;
  bool stopping_ = false;
};

zmq::socket_t& NodeProcess::peer_socket(const std::string& peer) {
  auto it = peers_.find(peer);
  if (it != peers_.end()) return it->second;
  zmq::socket_t socket(context_, zmq::socket_type::push);
  make_curve_client(socket, key_, public_keys_.of(peer));
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
  const auto host = hosts_.find(peer);
  socket.connect(endpoints_.of(host == hosts_.end() ? peer : host->second).data);
  log_->info("connected to {}{}", peer, host == hosts_.end() ? "" : " at " + host->second);
  return peers_.emplace(peer, std::move(socket)).first->second;
}

void NodeProcess::route(const std::string& node, const std::string& member) {
  const std::string host = member.empty() ? node : member;
  const auto now = hosts_.find(node);
  if (host == (now == hosts_.end() ? node : now->second)) return;
  if (host == node) {
    hosts_.erase(node);
  } else {
    hosts_[node] = host;
  }
  peers_.erase(node);  // Reconnects to the new process on the next send.
  log_->info("{} is hosted by {} from now", node, host);
}

zmq::socket_t& NodeProcess::member_socket() {
  if (!member_socket_) {
    member_socket_.emplace(context_, zmq::socket_type::push);
    make_curve_client(*member_socket_, key_, public_keys_.of(options_.name));
    member_socket_->set(zmq::sockopt::linger, 0);
    member_socket_->set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
    member_socket_->connect(endpoints_.of(other_member_).data);
  }
  return *member_socket_;
}

void NodeProcess::flush_member_outbox() {
  while (!member_outbox_.empty()) {
    if (!member_socket().send(zmq::buffer(member_outbox_.front()), zmq::send_flags::dontwait)) {
      return;
    }
    member_outbox_.pop_front();
  }
}

std::string NodeProcess::start_stream(const std::string& member) {
  stream_.reset();
  member_socket_.reset();  // What was queued for an earlier copy is dropped.
  member_outbox_.clear();
  if (member.empty()) return "";
  if (member != other_member_) {
    return other_member_.empty() ? "this node has no standby"
                                 : "the journal streams only to " + other_member_;
  }
  if (!journal_ || !core_.started()) return "only the active member streams its journal";
  stream_.emplace(options_.journal_path, member_, member);
  log_->info("streaming the journal to {}", member);
  return "";
}

void NodeProcess::pump_stream() {
  if (!stream_) return;
  for (const v1::Replication& chunk : stream_->next_chunks(journal_->written_bytes())) {
    member_outbox_.push_back(chunk.SerializeAsString());
  }
  flush_member_outbox();
}

void NodeProcess::handle_replication(const zmq::message_t& message) {
  v1::Replication replication;
  if (!replication.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    core_.reject_frame(options_.name, {"rejected:replication-unreadable", other_member_});
    return;
  }
  if (replication.has_ack()) {
    if (stream_) stream_->acknowledged(replication.ack());
    return release_held();
  }
  if (!replication.has_chunk()) return;
  const v1::JournalChunk& chunk = replication.chunk();
  const std::string claimed = chunk.from_member().substr(0, kMaxIdBytes);
  if (core_.started() || chunk.from_member() != other_member_) {
    // Two active members would be a split brain: the launcher starts one.
    core_.reject_frame(options_.name, {core_.started() ? "rejected:journal-chunk-to-active-member"
                                                       : "rejected:journal-chunk-from-a-stranger",
                                       claimed});
    return;
  }
  if (!replica_) replica_.emplace(options_.journal_path);
  std::string error;
  if (!replica_->write(chunk.offset(), chunk.data(), &error)) {
    log_->error("data: journal chunk from {} refused: {}", chunk.from_member(), error);
    core_.reject_frame(options_.name, {"rejected:journal-chunk-out-of-place", claimed});
    return;
  }
  v1::Replication answer;
  answer.mutable_ack()->set_member(member_);
  answer.mutable_ack()->set_durable_bytes(replica_->durable_bytes());
  member_outbox_.push_back(answer.SerializeAsString());
  flush_member_outbox();
}

void NodeProcess::release_held() {
  if (holding()) return;
  while (!held_replies_.empty()) {
    const auto& [routing_id, payload] = held_replies_.front();
    control_.send(zmq::buffer(routing_id), zmq::send_flags::sndmore);
    control_.send(zmq::buffer(payload), zmq::send_flags::none);
    held_replies_.pop_front();
  }
  flush_outbox();
}

void NodeProcess::flush_outbox() {
  if (holding()) return;
  while (!outbox_.empty()) {
    const auto& [peer, payload] = outbox_.front();
    if (!peer_socket(peer).send(zmq::buffer(payload), zmq::send_flags::dontwait)) return;
    outbox_.pop_front();
  }
}

void NodeProcess::reply(const zmq::message_t& routing_id, const v1::ControlReply& reply) {
  const std::string payload = reply.SerializeAsString();
  if (holding()) {
    held_replies_.emplace_back(routing_id.to_string(), payload);
    return;
  }
  control_.send(zmq::buffer(routing_id.data(), routing_id.size()), zmq::send_flags::sndmore);
  control_.send(zmq::buffer(payload), zmq::send_flags::none);
}

void NodeProcess::handle_control() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(control_, std::back_inserter(parts), zmq::recv_flags::dontwait)) return;
  if (parts.size() != 2) {
    log_->error("control: malformed request of {} frames ignored", parts.size());
    return;
  }
  // The ZAP handler admitted only the launcher and the operator.
  const std::string issuer = authenticated_member(parts[1]);
  v1::ControlRequest request;
  v1::ControlReply answer;
  answer.set_node(options_.name);
  answer.set_ok(true);
  if (!request.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) {
    answer.set_ok(false);
    answer.set_error("malformed control request");
  } else if (launcher_only(request) && issuer != kLauncherMember) {
    answer.set_request_id(request.request_id());
    answer.set_ok(false);
    answer.set_error("only the launcher may " + describe_command(request));
    log_->error("control: {} from {} refused: only the launcher's", describe_command(request),
                issuer);
  } else if (request.has_peer_gone()) {
    answer.set_request_id(request.request_id());
    if (grant_) forget_frames_of(request.peer_gone().node());
    if (stream_ && stream_->to_member() == request.peer_gone().node()) {
      log_->warn("{} died: the journal streams to no standby", request.peer_gone().node());
      start_stream("");
      release_held();
    }
    reply(parts[0], answer);
    return run_grant_if_ready();
  } else if (request.has_grant()) {
    const std::string refusal = grant_             ? "a grant is already pending"
                                : !core_.started() ? "the node has not started"
                                                   : grant_error(request.grant(), scenario_);
    if (!refusal.empty()) {
      answer.set_request_id(request.request_id());
      answer.set_ok(false);
      answer.set_error(refusal);
      log_->error("control: grant refused: {}", refusal);
    } else {
      grant_ = PendingGrant{std::move(parts[0]), std::move(request)};
      return run_grant_if_ready();
    }
  } else {
    answer.set_request_id(request.request_id());
    carry_out(request, issuer, &answer);
  }
  reply(parts[0], answer);
  if (core_.crash_requested()) crash_now();
}

void NodeProcess::carry_out(const v1::ControlRequest& request, const std::string& issuer,
                            v1::ControlReply* answer) {
  std::string error;
  switch (request.command_case()) {
    case v1::ControlRequest::kPing:
    case v1::ControlRequest::kStatus:
      break;
    case v1::ControlRequest::kStart:
      if (core_.started()) {
        error = "already started";
      } else if (error = start_error(request.start(), scenario_); error.empty()) {
        start(request.start(), issuer, &error);
      }
      break;
    case v1::ControlRequest::kStop:
      start_stream("");  // The run is over: no failover will need the copy.
      release_held();
      if (core_.started()) core_.stop(issuer);  // A passive member holds nothing.
      stopping_ = true;
      break;
    case v1::ControlRequest::kReplicate:
      error = start_stream(request.replicate().member());
      release_held();
      break;
    default:
      if (!is_fault_command(request)) {
        error = "unknown control command";
      } else {
        core_.apply_fault(request, issuer, &error);
        if (journal_ && core_.started()) journal_->record_fault(request, issuer);
      }
  }
  make_durable();
  if (!error.empty()) {
    answer->set_ok(false);
    answer->set_error(error);
    log_->warn("control: {} from {} refused: {}", describe_command(request), issuer, error);
  }
  core_.fill_status(answer->mutable_status());
  answer->mutable_status()->set_peak_rss_kib(peak_resident_kib());
  if (journal_ && core_.started()) {
    answer->mutable_status()->set_journal_bytes(journal_->written_bytes());
  } else if (replica_) {
    answer->mutable_status()->set_journal_bytes(replica_->durable_bytes());
  }
  for (const auto& [peer, frames] : frames_from_) {
    v1::FrameCount* count = answer->mutable_status()->add_frames_received();
    count->set_peer(peer.first);
    count->set_peer_incarnation(peer.second);
    count->set_frames(frames);
  }
}

void NodeProcess::handle_data() {
  zmq::message_t message;
  if (!data_.recv(message, zmq::recv_flags::dontwait)) return;
  // The ZAP handler admitted only the scenario's other nodes.
  const std::string from = authenticated_member(message);
  bool single_part = !message.more();
  while (message.more() && data_.recv(message, zmq::recv_flags::dontwait)) single_part = false;
  if (from == options_.name && !other_member_.empty()) {
    if (single_part) handle_replication(message);
    return;
  }
  if (!known_nodes_.contains(from) || from == options_.name) {
    // The ZAP handler admits no such sender: a bug, or a key set changed
    // under a running node. Traced as every dropped frame is.
    core_.reject_frame(from.substr(0, kMaxIdBytes), {"rejected:not-a-peer", ""});
    return;
  }
  v1::Frame frame;
  if (!single_part || !frame.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    core_.reject_frame(from, {"rejected:unreadable", ""});
    return;
  }
  if (!core_.take_frame(from, frame)) return;
  ++frames_from_[{from, frame.sender_incarnation()}];
  if (journal_) journal_->record_frame(from, frame);
}

void NodeProcess::start(const v1::Start& start, const std::string& issuer, std::string* error) {
  for (const auto& [node, member] : start.hosts()) route(node, member);
  replica_.reset();  // A passive member taking over: its copy is now its journal.
  if (!journal_) {
    core_.start(start.begin_h(), start.incarnation(), start.end_h(), issuer);
    return;
  }
  try {
    journal_->start(core_, trace_writer_, options_.trace_path, start, issuer);
  } catch (const JournalError& failure) {
    *error = failure.what();
    return;
  }
  if (journal_->replayed_records() > 0) {
    log_->info("replayed {} journal records", journal_->replayed_records());
  }
}

void NodeProcess::make_durable() {
  if (journal_ && core_.started()) {
    journal_->commit(trace_writer_);
    if (stream_) {
      hold_until_bytes_ = journal_->written_bytes();
      pump_stream();
    }
  } else {
    trace_writer_.flush();
  }
}

void NodeProcess::forget_frames_of(const std::string& peer) {
  auto* expected = grant_->request.mutable_grant()->mutable_expected();
  const auto gone =
      std::remove_if(expected->begin(), expected->end(),
                     [&](const v1::FrameCount& count) { return count.peer() == peer; });
  if (gone != expected->end()) {
    log_->warn("{} died while this node waited for its frames: no longer waiting for them", peer);
  }
  expected->erase(gone, expected->end());
}

void NodeProcess::run_grant_if_ready() {
  if (!grant_) return;
  for (const v1::FrameCount& expected : grant_->request.grant().expected()) {
    if (frames_from_[{expected.peer(), expected.peer_incarnation()}] < expected.frames()) {
      return;  // More to come.
    }
  }
  v1::ControlReply answer;
  answer.set_node(options_.name);
  answer.set_ok(true);
  answer.set_request_id(grant_->request.request_id());
  for (const v1::PeerState& peer : grant_->request.grant().peers()) {
    if (peer.up()) route(peer.node(), peer.member());
  }
  if (journal_) journal_->record_window(grant_->request.grant());
  *answer.mutable_round_report() = core_.run_window(grant_->request.grant());
  // What this window did is durable before anything it sent can be seen.
  make_durable();
  flush_outbox();
  reply(grant_->routing_id, answer);
  grant_.reset();
  if (core_.crash_requested()) crash_now();
}

void NodeProcess::crash_now() {
  // As if killed: what the node did is durable (each window and command is
  // flushed), nothing else happens. The control reply is queued; closing
  // the sockets lets ZeroMQ deliver it within its linger.
  log_->flush();
  data_.close();
  for (auto& [peer, socket] : peers_) socket.close();
  if (member_socket_) member_socket_->close();
  control_.close();
  zap_.stop();
  context_.close();
  std::raise(SIGKILL);
  std::_Exit(137);  // Not reached: SIGKILL cannot be caught.
}

int NodeProcess::run() {
  log_->info("{} up ({} mode, seed {})", options_.name, options_.mode, options_.seed);
  while (!stopping_) {
    std::vector<zmq::pollitem_t> items = {{control_.handle(), 0, ZMQ_POLLIN, 0},
                                          {data_.handle(), 0, ZMQ_POLLIN, 0}};
    const bool waiting = !outbox_.empty() || !member_outbox_.empty();
    zmq::poll(items, waiting ? kOutboxRetry : kMaxPollTimeout);
    // Every frame queued is read before a control request, so a grant finds
    // what has come.
    if (items[1].revents & ZMQ_POLLIN) {
      while (data_.get(zmq::sockopt::events) & ZMQ_POLLIN) handle_data();
      pump_stream();  // The frames just journaled, to the standby too.
    }
    if (items[0].revents & ZMQ_POLLIN) handle_control();
    run_grant_if_ready();
    flush_outbox();
    flush_member_outbox();
  }
  log_->info("stopped at {:.1f} h; {} trace events; peak RSS {} KiB", core_.reached_h(),
             core_.events_written(), peak_resident_kib());
  return 0;
}

}  // namespace

int run_node_main(int argc, char** argv, const std::string& role_name, const RoleFactory& factory) {
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
  app.add_option("--scenario", options.scenario_path, "scenario file")->required();
  app.add_option("--seed", options.seed, "seed of every random decision");
  auto* socket_dir =
      app.add_option("--socket-dir", options.socket_dir, "directory of the ipc endpoints");
  auto* hosts = app.add_option("--hosts", options.hosts_file,
                               "hosts file: every node's endpoints (instead of --socket-dir)");
  socket_dir->excludes(hosts);
  app.add_option("--keys", options.keys_dir,
                 "the run's key folder: <name>.key (this node's) and public_keys.toml")
      ->required();
  app.add_option("--trace", options.trace_path, "trace file (JSON Lines)")->required();
  app.add_option("--journal", options.journal_path,
                 "journal file: what the node takes in, replayed after a crash "
                 "(docs/DURABILITY.md); none when omitted");
  app.add_option("--log", options.log_path, "log file")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  Scenario scenario;
  try {
    scenario = load_scenario(options.scenario_path);
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "tearline-%s: %s\n", role_name.c_str(), error.what());
    return 2;
  }
  if (!options.member.empty() && options.member != options.name &&
      !(has_two_members(scenario, options.name) && options.member == scenario.broker.standby)) {
    std::fprintf(stderr, "tearline-%s %s: --member %s is not a member of %s in the scenario\n",
                 role_name.c_str(), options.name.c_str(), options.member.c_str(),
                 options.name.c_str());
    return 2;
  }
  if (options.socket_dir.empty() == options.hosts_file.empty()) {
    std::fprintf(stderr, "tearline-%s: give --socket-dir or --hosts\n", role_name.c_str());
    return 2;
  }
  Endpoints endpoints;
  try {
    endpoints = options.hosts_file.empty()
                    ? Endpoints::in_folder(options.socket_dir, scenario.process_names())
                    : Endpoints::from_hosts_file(options.hosts_file, scenario.process_names());
  } catch (const EndpointsError& error) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 error.what());
    return 2;
  }
  MemberKey key;
  PublicKeys public_keys;
  try {
    key = load_member_key(member_key_path(options.keys_dir, options.name));
    public_keys = load_public_keys(public_keys_path(options.keys_dir));
    if (key.name != options.name) throw KeyError("the key is " + key.name + "'s");
  } catch (const KeyError& error) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 error.what());
    return 2;
  }
  try {
    auto log = spdlog::basic_logger_mt(options.name, options.log_path, true);
    log->flush_on(spdlog::level::info);
    NodeProcess process(options, scenario, factory, log, std::move(key), std::move(public_keys),
                        std::move(endpoints));
    return process.run();
  } catch (const TraceWriteError& error) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 error.what());
    return kExitCannotWrite;
  } catch (const JournalError& error) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 error.what());
    return kExitCannotWrite;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 error.what());
    return 1;
  }
}

}  // namespace tearline
