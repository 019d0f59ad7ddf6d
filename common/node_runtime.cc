#include "common/node_runtime.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <map>
#include <optional>
#include <set>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/clock.h"
#include "common/desk.h"
#include "common/endpoints.h"
#include "common/fault_commands.h"
#include "common/link_layer.h"
#include "common/report_fields.h"
#include "common/trace.h"

namespace tearline {
namespace {

constexpr int kHighWaterMarkMsgs = 10000;
// The loop wakes at least this often, so a node never waits unboundedly.
constexpr int64_t kMaxPollTimeoutMs = 100;
constexpr int kControlLingerMs = 1000;
// Liveness (the guide's Paranoid Pirate): a heartbeat to every connected
// peer each scenario hour (but not more often than every 20 ms nor less
// often than every 200 ms of wall time), answered by the peer; a peer not
// heard from for kLivenessIntervals heartbeats is down until heard again.
constexpr int64_t kHeartbeatIntervalMinMs = 20;
constexpr int64_t kHeartbeatIntervalMaxMs = 200;
constexpr int64_t kLivenessIntervals = 5;

uint64_t peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss);
}

class NodeRuntime final : public NodeContext, public Transmitter {
 public:
  NodeRuntime(NodeOptions options, const Scenario& scenario, const RoleFactory& factory,
              std::shared_ptr<spdlog::logger> log)
      : options_(std::move(options)),
        scenario_(scenario),
        random_(options_.seed),
        log_(std::move(log)),
        trace_writer_(options_.trace_path),
        links_(options_.name, scenario_, random_, *this,
               [this](TraceEvent event) { trace(std::move(event)); }),
        known_nodes_(make_known_nodes(scenario)),
        control_(context_, zmq::socket_type::router),
        data_(context_, zmq::socket_type::router) {
    role_ = factory(scenario_, options_, random_);
    control_.set(zmq::sockopt::linger, kControlLingerMs);
    control_.bind(control_endpoint(options_.socket_dir, options_.name));
    data_.set(zmq::sockopt::linger, 0);
    data_.set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
    data_.set(zmq::sockopt::rcvhwm, kHighWaterMarkMsgs);
    data_.set(zmq::sockopt::router_mandatory, true);
    data_.bind(data_endpoint(options_.socket_dir, options_.name));
  }

  int run();

  // NodeContext.
  const std::string& node_name() const override { return options_.name; }
  const Random& random() const override { return random_; }
  void trace(TraceEvent event) override;
  void send(const std::string& peer, v1::Envelope envelope, double at_h,
            const SendOptions& options) override {
    links_.send(peer, std::move(envelope), at_h, options);
  }
  void send_poll(const std::string& peer, const v1::PollRequest& poll) override;

  // Transmitter.
  bool transmit(const std::string& peer, const v1::Frame& frame) override;

 private:
  static std::set<std::string> make_known_nodes(const Scenario& scenario) {
    auto names = scenario.node_names();
    return {names.begin(), names.end()};
  }

  double now_h() const { return clock_ ? std::min(clock_->now_h(), end_h_) : 0; }
  void advance_to(double now_h);
  void handle_control();
  // Carries out one control command; false with *error if it cannot.
  bool apply(const v1::ControlRequest& request, std::string* error);
  // Carries out a command as of scenario hour at_h.
  bool carry_out(const v1::ControlRequest& request, double at_h, std::string* error);
  void trace_fault(const v1::ControlRequest& request, double at_h);
  [[noreturn]] void crash_now();
  void handle_data();
  void handle_peer_reply(const std::string& peer, zmq::socket_t& socket);
  // Records that `peer` was heard from; traces peer_up after a silence.
  void heard_from(const std::string& peer);
  // Sends heartbeats when due and traces peer_down for silent peers.
  void keep_liveness();
  // Counts every peer as heard from now: after a time this node did not
  // listen (paused, or not running), its peers' silence proves nothing.
  void forgive_silence();
  int64_t liveness_ms() const { return kLivenessIntervals * heartbeat_interval_ms_; }
  // Traffic from a partitioned peer: an envelope's attempt is lost.
  void drop_partitioned(const std::string& from, const v1::Frame& frame);
  void handle_envelope(const std::string& from, const v1::Envelope& envelope);
  void reject(const std::string& from, const std::string& message_id, const std::string& reason);
  void stop();
  zmq::socket_t& peer_socket(const std::string& peer);
  int64_t poll_timeout_ms() const;
  void fill_status(v1::NodeStatus* status) const;

  NodeOptions options_;
  const Scenario& scenario_;
  Random random_;
  std::shared_ptr<spdlog::logger> log_;
  JsonlTraceWriter trace_writer_;
  LinkLayer links_;
  std::set<std::string> known_nodes_;
  std::unique_ptr<Role> role_;
  zmq::context_t context_;
  zmq::socket_t control_;
  zmq::socket_t data_;
  std::map<std::string, zmq::socket_t> peers_;
  std::optional<ScaledWallClock> clock_;
  double end_h_ = 0;
  bool frozen_ = false;
  bool paused_ = false;
  bool crash_requested_ = false;
  bool stopping_ = false;
  std::set<std::string> partitioned_;
  // Fault commands to carry out at a scenario hour, in time order.
  std::multimap<double, v1::ControlRequest> scheduled_;
  std::set<std::string> received_ids_;
  int64_t heartbeat_interval_ms_ = kHeartbeatIntervalMaxMs;
  int64_t next_heartbeat_ms_ = 0;
  std::map<std::string, int64_t> last_heard_ms_by_peer_;
  std::set<std::string> peers_down_;
  int64_t last_liveness_ms_ = 0;  // When keep_liveness() last ran.
  std::map<std::string, uint64_t> events_by_kind_;
};

void NodeRuntime::trace(TraceEvent event) {
  event.node = options_.name;
  event.mode = options_.mode;
  event.wall_ms = unix_now_ms();
  ++events_by_kind_[std::string(event.kind)];
  trace_writer_.write(event);
}

zmq::socket_t& NodeRuntime::peer_socket(const std::string& peer) {
  auto it = peers_.find(peer);
  if (it != peers_.end()) return it->second;
  zmq::socket_t socket(context_, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::routing_id, options_.name);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
  socket.set(zmq::sockopt::rcvhwm, kHighWaterMarkMsgs);
  socket.connect(data_endpoint(options_.socket_dir, peer));
  log_->info("connected to {}", peer);
  return peers_.emplace(peer, std::move(socket)).first->second;
}

bool NodeRuntime::transmit(const std::string& peer, const v1::Frame& frame) {
  const std::string payload = frame.SerializeAsString();
  auto sent = peer_socket(peer).send(zmq::buffer(payload), zmq::send_flags::dontwait);
  if (!sent) log_->warn("{} is not accepting frames (high-water mark); will retry", peer);
  return sent.has_value();
}

void NodeRuntime::send_poll(const std::string& peer, const v1::PollRequest& poll) {
  v1::Frame frame;
  frame.set_version(1);
  *frame.mutable_poll() = poll;
  if (!transmit(peer, frame)) log_->warn("poll to {} not sent", peer);
}

void NodeRuntime::advance_to(double now_h) {
  // Scheduled fault commands take effect at their exact scenario hour.
  // A paused node does nothing else, but a scheduled resume still comes.
  while (!scheduled_.empty() && scheduled_.begin()->first <= now_h) {
    const auto [at_h, request] = *scheduled_.begin();
    scheduled_.erase(scheduled_.begin());
    if (!paused_) {
      role_->advance(*this, at_h);
      links_.advance(at_h);
    }
    std::string error;
    if (!carry_out(request, at_h, &error)) {
      log_->warn("scheduled {} at {} h refused: {}", describe_command(request), at_h, error);
    }
    if (crash_requested_) crash_now();
  }
  if (paused_) return;
  role_->advance(*this, now_h);
  links_.advance(now_h);
}

int64_t NodeRuntime::poll_timeout_ms() const {
  if (!clock_ || frozen_) return kMaxPollTimeoutMs;
  double next_h = end_h_;
  if (!paused_) {  // A paused node waits only for its scheduled commands.
    if (auto role_next = role_->next_wake_h()) next_h = std::min(next_h, *role_next);
    if (auto link_next = links_.next_wake_h()) next_h = std::min(next_h, *link_next);
  }
  if (!scheduled_.empty()) next_h = std::min(next_h, scheduled_.begin()->first);
  double wait_ms = std::ceil(clock_->wall_ms_until(next_h));
  if (!paused_) {
    wait_ms = std::min(wait_ms, static_cast<double>(next_heartbeat_ms_ - unix_now_ms()));
  }
  return std::clamp<int64_t>(static_cast<int64_t>(wait_ms), 0, kMaxPollTimeoutMs);
}

void NodeRuntime::fill_status(v1::NodeStatus* status) const {
  status->set_now_h(now_h());
  for (const auto& [kind, count] : events_by_kind_)
    (*status->mutable_events_by_kind())[kind] = count;
  role_->fill_status(status);
  status->set_outbound_pending_msgs(links_.pending_msgs());
  status->set_peak_rss_kib(peak_rss_kib());
  status->set_frozen(frozen_);
  status->set_paused(paused_);
  const int64_t now_ms = unix_now_ms();
  for (const auto& [peer, heard_ms] : last_heard_ms_by_peer_) {
    if (now_ms - heard_ms <= liveness_ms()) status->add_peers_alive(peer);
  }
  for (const std::string& peer : partitioned_) status->add_partitioned_peers(peer);
}

void NodeRuntime::handle_control() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(control_, std::back_inserter(parts), zmq::recv_flags::dontwait)) return;
  if (parts.size() != 2) {
    log_->error("control: malformed request of {} frames ignored", parts.size());
    return;
  }
  v1::ControlRequest request;
  v1::ControlReply reply;
  reply.set_node(options_.name);
  reply.set_ok(true);
  if (!request.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) {
    reply.set_ok(false);
    reply.set_error("malformed control request");
  } else {
    reply.set_request_id(request.request_id());
    std::string error;
    if (!apply(request, &error)) {
      reply.set_ok(false);
      reply.set_error(error);
      log_->warn("control: {} refused: {}", describe_command(request), error);
    }
  }
  fill_status(reply.mutable_status());
  const std::string payload = reply.SerializeAsString();
  control_.send(parts[0], zmq::send_flags::sndmore);
  control_.send(zmq::buffer(payload), zmq::send_flags::none);
  if (crash_requested_) crash_now();
}

bool NodeRuntime::apply(const v1::ControlRequest& request, std::string* error) {
  if (is_fault_command(request)) {
    if (!clock_) return *error = "the node has not started", false;
    if (frozen_) return *error = "the node has stopped handling messages", false;
    if (request.has_at_h() && request.at_h() > now_h()) {
      scheduled_.emplace(request.at_h(), request);
      return true;
    }
  }
  return carry_out(request, now_h(), error);
}

bool NodeRuntime::carry_out(const v1::ControlRequest& request, double at_h, std::string* error) {
  switch (request.command_case()) {
    case v1::ControlRequest::kPing:
    case v1::ControlRequest::kStatus:
      return true;
    case v1::ControlRequest::kStart: {
      if (clock_) return *error = "already started", false;
      const v1::Start& start = request.start();
      clock_.emplace(start.epoch_unix_ms(), start.ms_per_scenario_hour());
      end_h_ = start.end_h();
      heartbeat_interval_ms_ = std::clamp(static_cast<int64_t>(start.ms_per_scenario_hour()),
                                          kHeartbeatIntervalMinMs, kHeartbeatIntervalMaxMs);
      role_->begin_at(now_h());
      log_->info("started: epoch {} ms, {} ms per scenario hour, end at {} h",
                 start.epoch_unix_ms(), start.ms_per_scenario_hour(), end_h_);
      TraceEvent event;
      event.kind = "node_started";
      event.t_h = now_h();
      trace(std::move(event));
      return true;
    }
    case v1::ControlRequest::kFreeze:
      if (clock_ && !frozen_ && !paused_) advance_to(now_h());
      frozen_ = true;
      return true;
    case v1::ControlRequest::kStop:
      stop();
      return true;
    case v1::ControlRequest::kPause:
      if (!paused_) advance_to(at_h);
      paused_ = true;
      break;
    case v1::ControlRequest::kResume:
      paused_ = false;
      forgive_silence();  // Even after a pause shorter than liveness_ms().
      break;
    case v1::ControlRequest::kLink: {
      const v1::SetLink& link = request.link();
      if (link.peer() != "*" &&
          (!known_nodes_.contains(link.peer()) || link.peer() == options_.name)) {
        return *error = "no peer named \"" + link.peer() + "\"", false;
      }
      if (link.reset()) {
        links_.reset_fault(link.peer());
      } else {
        links_.set_fault(link.peer(), link_fault_from(link));
      }
      break;
    }
    case v1::ControlRequest::kPartition: {
      std::set<std::string> peers = partitioned_;
      for (const std::string& peer : request.partition().peers()) {
        if (!known_nodes_.contains(peer) || peer == options_.name) {
          return *error = "no peer named \"" + peer + "\"", false;
        }
        peers.insert(peer);
      }
      partitioned_ = peers;
      links_.set_partitioned(std::move(peers));
      break;
    }
    case v1::ControlRequest::kHeal:
      partitioned_.clear();
      links_.set_partitioned({});
      break;
    case v1::ControlRequest::kQueue: {
      Desk* desk = role_->desk_named(request.queue().name());
      if (!desk) return *error = "no department named \"" + request.queue().name() + "\"", false;
      advance_to(at_h);
      // The change holds from at_h: the department's own clock must be there.
      desk->advance(*this, at_h);
      if (request.queue().reset()) {
        desk->reset_config();
      } else {
        desk->reconfigure(queue_config_with(desk->config(), request.queue()));
      }
      break;
    }
    case v1::ControlRequest::kCrash:
      crash_requested_ = true;
      break;
    case v1::ControlRequest::COMMAND_NOT_SET:
      return *error = "control request without a command", false;
  }
  trace_fault(request, at_h);
  return true;
}

void NodeRuntime::trace_fault(const v1::ControlRequest& request, double at_h) {
  const std::string description = describe_command(request);
  log_->warn("fault: {} at {:.2f} h (by {})", description, at_h, request.issued_by());
  TraceEvent event;
  event.kind = "fault";
  event.t_h = at_h;
  event.fault = description;
  event.by = request.issued_by();
  trace(std::move(event));
  // A fault event is what the report ties consequences to: make it durable.
  trace_writer_.flush();
}

void NodeRuntime::crash_now() {
  // As if killed: nothing more is flushed. The control reply is already
  // queued; closing the sockets lets ZeroMQ deliver it within its linger.
  log_->flush();
  data_.close();
  for (auto& [peer, socket] : peers_) socket.close();
  control_.close();
  context_.close();
  std::raise(SIGKILL);
  std::_Exit(137);  // Not reached: SIGKILL cannot be caught.
}

void NodeRuntime::reject(const std::string& from, const std::string& message_id,
                         const std::string& reason) {
  log_->error("rejected a frame from {}: {}", from, reason);
  TraceEvent event;
  event.kind = message_id.empty() ? "rejected" : "lost";
  event.t_h = now_h();
  event.msg = message_id;
  event.peer = from;
  event.reason = reason;
  trace(std::move(event));
}

void NodeRuntime::handle_envelope(const std::string& from, const v1::Envelope& envelope) {
  const double now = now_h();
  const std::string& id = envelope.message_id();
  if (id.empty()) return reject(from, "", "rejected:envelope-without-message-id");
  if (envelope.deadline_h() > 0 && now > envelope.deadline_h()) {
    // Its sender has given it up as lost (deadline:unacknowledged); a copy
    // that surfaces later, say from a reconnecting socket's queue, is not
    // taken in or acknowledged, so the message keeps that one fate.
    if (received_ids_.insert(id).second) {
      TraceEvent late =
          report_event("attempt_lost", id, envelope.report(), now, envelope.handoff());
      late.peer = from;
      late.attempt = envelope.attempt();
      late.reason = "arrived-after-deadline";
      trace(std::move(late));
    }
    return;
  }

  v1::Frame ack_frame;
  ack_frame.set_version(1);
  v1::Ack* ack = ack_frame.mutable_ack();
  ack->set_message_id(id);
  ack->set_receiver(options_.name);
  ack->set_sequence(envelope.sequence());
  ack->set_received_at_h(now);
  const std::string ack_payload = ack_frame.SerializeAsString();
  try {
    data_.send(zmq::buffer(from), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    data_.send(zmq::buffer(ack_payload), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& error) {
    log_->warn("ack of {} to {} not sent: {}", id, from, error.what());
  }
  if (!received_ids_.insert(id).second) {
    // A resend, or a duplicate made by the link: acknowledged again, not
    // taken in twice.
    TraceEvent duplicate =
        report_event("duplicate", id, envelope.report(), now, envelope.handoff());
    duplicate.peer = from;
    duplicate.attempt = envelope.attempt();
    trace(std::move(duplicate));
    return;
  }

  TraceEvent received = report_event("received", id, envelope.report(), now, envelope.handoff());
  received.peer = from;
  received.attempt = envelope.attempt();
  trace(std::move(received));
  if (envelope.report().severity() == v1::SEVERITY_UNSPECIFIED ||
      envelope.report().tlp() == v1::TLP_UNSPECIFIED) {
    TraceEvent lost = report_event("lost", id, envelope.report(), now, envelope.handoff());
    lost.peer = from;
    lost.reason = "rejected:unspecified-severity-or-tlp";
    log_->error("{} from {}: severity or TLP unspecified; rejected", id, from);
    trace(std::move(lost));
    return;
  }
  if (frozen_) {
    // It has left the link (received) but entered no department here.
    TraceEvent held =
        report_event("in_flight", id, envelope.report(), now, "inbound@" + options_.name);
    held.reason = "arrived after the node froze";
    trace(std::move(held));
    return;
  }
  advance_to(now);
  role_->on_envelope(*this, envelope, now);
}

void NodeRuntime::handle_data() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(data_, std::back_inserter(parts), zmq::recv_flags::dontwait)) return;
  if (parts.size() != 2) return reject("?", "", "rejected:frame-count");
  const std::string from = parts[0].to_string();
  if (!known_nodes_.count(from)) {
    return reject(from, "", "rejected:unknown-peer");
  }
  v1::Frame frame;
  if (!frame.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) {
    return reject(from, "", "rejected:malformed-frame");
  }
  if (frame.version() != 1) {
    return reject(from, frame.has_envelope() ? frame.envelope().message_id() : "",
                  "rejected:protocol-version-" + std::to_string(frame.version()));
  }
  if (partitioned_.contains(from)) return drop_partitioned(from, frame);
  if (!frame.has_heartbeat()) heard_from(from);
  switch (frame.body_case()) {
    case v1::Frame::kEnvelope:
      handle_envelope(from, frame.envelope());
      break;
    case v1::Frame::kPoll:
      if (!frozen_ && clock_) {
        advance_to(now_h());
        role_->on_poll(*this, frame.poll(), from, now_h());
      }
      break;
    case v1::Frame::kHeartbeat: {
      heard_from(from);
      v1::Frame answer;
      answer.set_version(1);
      answer.mutable_heartbeat()->set_node(options_.name);
      answer.mutable_heartbeat()->set_at_h(now_h());
      const std::string payload = answer.SerializeAsString();
      try {
        data_.send(zmq::buffer(from), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
        data_.send(zmq::buffer(payload), zmq::send_flags::dontwait);
      } catch (const zmq::error_t&) {
        // Gone again: its next heartbeat decides.
      }
      break;
    }
    case v1::Frame::kAck:
    case v1::Frame::BODY_NOT_SET:
      reject(from, "", "rejected:unexpected-frame-on-data-socket");
      break;
  }
}

void NodeRuntime::heard_from(const std::string& peer) {
  last_heard_ms_by_peer_[peer] = unix_now_ms();
  if (peers_down_.erase(peer) == 0) return;
  log_->info("{} is back", peer);
  TraceEvent event;
  event.kind = "peer_up";
  event.t_h = now_h();
  event.peer = peer;
  trace(std::move(event));
  links_.retry_now(peer, now_h());
}

void NodeRuntime::forgive_silence() {
  const int64_t now_ms = unix_now_ms();
  for (auto& [peer, heard_ms] : last_heard_ms_by_peer_) heard_ms = now_ms;
}

void NodeRuntime::keep_liveness() {
  const int64_t now_ms = unix_now_ms();
  // While it judges liveness the loop comes here at least every heartbeat; a
  // gap of two means this process did not run (SIGSTOP, an overloaded
  // machine), or was paused, and heard nothing meanwhile.
  if (last_liveness_ms_ != 0 && now_ms - last_liveness_ms_ > 2 * heartbeat_interval_ms_) {
    log_->warn("did not judge liveness for {} ms; peers' silence meanwhile is not counted",
               now_ms - last_liveness_ms_);
    forgive_silence();
  }
  last_liveness_ms_ = now_ms;
  if (now_ms >= next_heartbeat_ms_) {
    next_heartbeat_ms_ = now_ms + heartbeat_interval_ms_;
    v1::Frame frame;
    frame.set_version(1);
    frame.mutable_heartbeat()->set_node(options_.name);
    frame.mutable_heartbeat()->set_at_h(now_h());
    const std::string payload = frame.SerializeAsString();
    for (auto& [peer, socket] : peers_) {
      if (partitioned_.contains(peer)) continue;
      (void)socket.send(zmq::buffer(payload), zmq::send_flags::dontwait);
      // A peer we connected to but never heard from counts from now.
      last_heard_ms_by_peer_.try_emplace(peer, now_ms);
    }
  }
  for (const auto& [peer, heard_ms] : last_heard_ms_by_peer_) {
    if (now_ms - heard_ms <= liveness_ms() || peers_down_.contains(peer)) continue;
    peers_down_.insert(peer);
    log_->warn("{} not heard from for {} ms: down", peer, now_ms - heard_ms);
    TraceEvent event;
    event.kind = "peer_down";
    event.t_h = now_h();
    event.peer = peer;
    trace(std::move(event));
  }
}

void NodeRuntime::drop_partitioned(const std::string& from, const v1::Frame& frame) {
  if (!frame.has_envelope()) return;  // Polls go unanswered.
  const v1::Envelope& envelope = frame.envelope();
  if (received_ids_.contains(envelope.message_id())) return;
  // The sender resends a tracked message, so only this attempt is lost.
  const bool tracked = envelope.deadline_h() > 0;
  if (!tracked) received_ids_.insert(envelope.message_id());
  TraceEvent event = report_event(tracked ? "attempt_lost" : "lost", envelope.message_id(),
                                  envelope.report(), now_h(), envelope.handoff());
  event.peer = from;
  event.attempt = envelope.attempt();
  event.reason = "partition";
  trace(std::move(event));
}

void NodeRuntime::handle_peer_reply(const std::string& peer, zmq::socket_t& socket) {
  zmq::message_t message;
  if (!socket.recv(message, zmq::recv_flags::dontwait)) return;
  if (partitioned_.contains(peer)) return;  // Its acknowledgements are cut off too.
  v1::Frame frame;
  if (!frame.ParseFromArray(message.data(), static_cast<int>(message.size())) ||
      !(frame.has_ack() || frame.has_heartbeat())) {
    return reject(peer, "", "rejected:malformed-acknowledgement");
  }
  heard_from(peer);
  if (frame.has_ack()) links_.on_ack(frame.ack(), now_h());
}

void NodeRuntime::stop() {
  if (clock_ && !frozen_) advance_to(now_h());
  frozen_ = true;
  // Take in whatever peers sent before they froze, so it is accounted here.
  while (data_.get(zmq::sockopt::events) & ZMQ_POLLIN) handle_data();
  for (auto& [peer, socket] : peers_) {
    while (socket.get(zmq::sockopt::events) & ZMQ_POLLIN) handle_peer_reply(peer, socket);
  }
  const double now = now_h();
  role_->record_in_flight(*this, now);
  links_.record_in_flight(now);
  TraceEvent event;
  event.kind = "node_stopped";
  event.t_h = now;
  event.peak_rss_kib = peak_rss_kib();
  trace(std::move(event));
  trace_writer_.flush();
  log_->info("stopped at {:.1f} h; {} trace events; peak RSS {} KiB", now,
             trace_writer_.events_written(), peak_rss_kib());
  stopping_ = true;
}

int NodeRuntime::run() {
  log_->info("{} up ({} mode, seed {})", options_.name, options_.mode, options_.seed);
  std::vector<std::string> peer_order;
  while (!stopping_) {
    // A node not started or paused listens to control only, so its inbound
    // frames wait in the socket.
    const bool handling = clock_ && !paused_;
    std::vector<zmq::pollitem_t> items = {{control_.handle(), 0, ZMQ_POLLIN, 0}};
    peer_order.clear();
    if (handling) {
      items.push_back({data_.handle(), 0, ZMQ_POLLIN, 0});
      for (auto& [peer, socket] : peers_) {
        items.push_back({socket.handle(), 0, ZMQ_POLLIN, 0});
        peer_order.push_back(peer);
      }
    }
    zmq::poll(items, std::chrono::milliseconds(poll_timeout_ms()));
    if (items[0].revents & ZMQ_POLLIN) handle_control();
    if (stopping_) break;
    if (handling && items.size() > 1) {
      if (items[1].revents & ZMQ_POLLIN) handle_data();
      for (size_t i = 0; i < peer_order.size(); ++i) {
        if (items[i + 2].revents & ZMQ_POLLIN) {
          handle_peer_reply(peer_order[i], peers_.at(peer_order[i]));
        }
      }
    }
    if (handling && !frozen_) keep_liveness();
    if (clock_ && !frozen_) {
      advance_to(now_h());
      if (clock_->now_h() >= end_h_) {
        frozen_ = true;
        log_->info("reached the end of the scenario at {:.1f} h; frozen", end_h_);
      }
    }
    // What this turn did is durable before the next: a crash loses at most
    // the turn in progress.
    trace_writer_.flush();
  }
  return 0;
}

}  // namespace

int run_node_main(int argc, char** argv, const std::string& role_name, const RoleFactory& factory) {
  NodeOptions options;
  CLI::App app{"tearline " + role_name +
               " node: one process of a tearline run. Normally started by `tearline run`, "
               "which passes these options; see README.md."};
  app.add_option("--name", options.name, "node name, as in the scenario (e.g. agency.uk)")
      ->required();
  app.add_option("--mode", options.mode, "bilateral or coordinated")
      ->required()
      ->check(CLI::IsMember({"bilateral", "coordinated"}));
  app.add_option("--scenario", options.scenario_path, "scenario file")->required();
  app.add_option("--seed", options.seed, "seed of every random decision");
  app.add_option("--socket-dir", options.socket_dir, "directory of the ipc endpoints")->required();
  app.add_option("--trace", options.trace_path, "trace file (JSON Lines)")->required();
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
  try {
    auto log = spdlog::basic_logger_mt(options.name, options.log_path, true);
    log->flush_on(spdlog::level::info);
    NodeRuntime runtime(options, scenario, factory, log);
    return runtime.run();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tearline-%s %s: %s\n", role_name.c_str(), options.name.c_str(),
                 error.what());
    return 1;
  }
}

}  // namespace tearline
