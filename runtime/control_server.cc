#include "runtime/control_server.h"

#include <algorithm>
#include <zmq_addon.hpp>

#include "base/invariant.h"
#include "node/fault_commands.h"
#include "security/curve.h"
#include "security/keys.h"

namespace tearline {

bool launcher_only(const v1::ControlRequest& request) {
  return request.has_grant() || request.has_start() || request.has_stop() ||
         request.has_peer_gone() || request.has_replicate();
}

ControlServer::ControlServer(std::string name, zmq::socket_t& control, ControlledNode& node,
                             std::shared_ptr<spdlog::logger> log, ControlChannel channel)
    : name_(std::move(name)),
      control_(control),
      node_(node),
      log_(std::move(log)),
      channel_(std::move(channel)) {}

void ControlServer::send(const Requester& requester, const std::string& payload) {
  if (!requester.channel) {
    control_.send(zmq::buffer(requester.routing_id), zmq::send_flags::sndmore);
    control_.send(zmq::buffer(payload), zmq::send_flags::none);
  } else if (!channel_.send(payload)) {
    // The launcher reads every reply as it comes: a full or closed channel
    // means it is gone, and a reply too big for the channel's buffer would
    // leave it waiting for ever. Either way the node stops, as when the
    // channel closes; the launcher sees it die and says so.
    log_->error("control: a reply of {} bytes could not be sent to the launcher: stopping",
                payload.size());
    node_.make_durable();
    launcher_gone_ = true;
    stopped_ = true;
  }
}

void ControlServer::reply(const Requester& requester, const v1::ControlReply& reply) {
  const std::string payload = reply.SerializeAsString();
  if (node_.holding()) {
    held_replies_.emplace_back(requester, payload);
    return;
  }
  send(requester, payload);
}

void ControlServer::release_held() {
  if (node_.holding()) return;
  while (!held_replies_.empty()) {
    send(held_replies_.front().first, held_replies_.front().second);
    held_replies_.pop_front();
  }
}

void ControlServer::handle() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(control_, std::back_inserter(parts), zmq::recv_flags::dontwait)) return;
  if (parts.size() != 2) {
    log_->error("control: malformed request of {} frames ignored", parts.size());
    return;
  }
  // The ZAP handler admitted only the launcher and the operator.
  serve({false, parts[0].to_string()}, authenticated_member(parts[1]), parts[1].to_string());
}

void ControlServer::handle_channel() {
  std::string payload;
  switch (channel_.receive(&payload)) {
    case ControlChannel::Received::kNone:
      return;
    case ControlChannel::Received::kPacket:
      // Only the launcher holds the other end.
      return serve({true, ""}, kLauncherMember, payload);
    case ControlChannel::Received::kOversized: {
      v1::ControlReply answer;
      answer.set_node(name_);
      answer.set_ok(false);
      answer.set_error("control request over " + std::to_string(kControlPacketBytesMax) + " bytes");
      return reply({true, ""}, answer);
    }
    case ControlChannel::Received::kClosed:
      log_->warn("control: the launcher's channel closed (the launcher died): stopping");
      node_.make_durable();
      channel_.close();
      launcher_gone_ = true;
      stopped_ = true;
      return;
  }
}

void ControlServer::serve(Requester requester, const std::string& issuer,
                          const std::string& payload) {
  v1::ControlRequest request;
  v1::ControlReply answer;
  answer.set_node(name_);
  answer.set_ok(true);
  if (!request.ParseFromString(payload)) {
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
    node_.peer_gone(request.peer_gone().node());
    reply(requester, answer);
    return run_grant_if_ready();
  } else if (request.has_grant()) {
    const std::string refusal =
        grant_ ? "a grant is already pending" : node_.grant_refusal(request.grant());
    if (!refusal.empty()) {
      answer.set_request_id(request.request_id());
      answer.set_ok(false);
      answer.set_error(refusal);
      log_->error("control: grant refused: {}", refusal);
    } else {
      grant_ = PendingGrant{std::move(requester), std::move(request)};
      return run_grant_if_ready();
    }
  } else {
    answer.set_request_id(request.request_id());
    carry_out(request, issuer, &answer);
  }
  reply(requester, answer);
  node_.replied();
}

std::string ControlServer::command_error(const v1::ControlRequest& request,
                                         const std::string& issuer) {
  switch (request.command_case()) {
    case v1::ControlRequest::kPing:
    case v1::ControlRequest::kStatus:
      return "";
    case v1::ControlRequest::kStart:
      return node_.start(request.start(), issuer);
    case v1::ControlRequest::kStop:
      node_.stop(issuer);
      stopped_ = true;
      return "";
    case v1::ControlRequest::kReplicate:
      return node_.replicate(request.replicate().member());
    default:
      if (!is_fault_command(request)) return "unknown control command";
      return node_.apply_fault(request, issuer);
  }
}

void ControlServer::carry_out(const v1::ControlRequest& request, const std::string& issuer,
                              v1::ControlReply* answer) {
  const std::string error = command_error(request, issuer);
  node_.make_durable();
  if (!error.empty()) {
    answer->set_ok(false);
    answer->set_error(error);
    log_->warn("control: {} from {} refused: {}", describe_command(request), issuer, error);
  }
  node_.fill_status(answer->mutable_status());
  for (const auto& [peer, frames] : frames_from_) {
    v1::FrameCount* count = answer->mutable_status()->add_frames_received();
    count->set_peer(peer.first);
    count->set_peer_incarnation(peer.second);
    count->set_frames(frames);
  }
}

void ControlServer::forget_frames_of(const std::string& peer) {
  auto* expected = grant_->request.mutable_grant()->mutable_expected();
  const auto gone =
      std::remove_if(expected->begin(), expected->end(),
                     [&](const v1::FrameCount& count) { return count.peer() == peer; });
  if (gone != expected->end()) {
    log_->warn("{} died while this node waited for its frames: no longer waiting for them", peer);
  }
  expected->erase(gone, expected->end());
}

void ControlServer::run_grant_if_ready() {
  if (!grant_) return;
  for (const v1::FrameCount& expected : grant_->request.grant().expected()) {
    if (frames_from_[{expected.peer(), expected.peer_incarnation()}] < expected.frames()) {
      return;  // More to come.
    }
  }
  TEARLINE_ASSERT(grant_->request.has_grant());
  v1::ControlReply answer;
  answer.set_node(name_);
  answer.set_ok(true);
  answer.set_request_id(grant_->request.request_id());
  *answer.mutable_round_report() = node_.run_window(grant_->request.grant());
  reply(grant_->requester, answer);
  grant_.reset();
  node_.replied();
}

}  // namespace tearline
