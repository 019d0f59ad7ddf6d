// A node's control server: the requests of the launcher and the operator on
// the node's control ROUTER, and the launcher's on its control channel where
// it has one (runtime/control_channel.h; proto/PROTOCOL.md, "Control"), one
// reply each, on the way the request came.
// It checks who may say what, runs each time grant once every frame the
// grant expects has come (the time authority counted them sent), and holds
// replies back while the node must not be seen yet (a centre's standby
// lacking part of the journal). What the commands do is the node's.
#pragma once

#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "runtime/control_channel.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

// What the control server asks of the node it serves. Each command returns
// an error text, empty when carried out.
class ControlledNode {
 public:
  virtual ~ControlledNode() = default;
  virtual std::string start(const v1::Start& start, const std::string& issuer) = 0;
  virtual void stop(const std::string& issuer) = 0;
  // Streams the journal to `member` (empty: to none).
  virtual std::string replicate(const std::string& member) = 0;
  virtual std::string apply_fault(const v1::ControlRequest& request, const std::string& issuer) = 0;
  // The process of node `node` died (PeerGone).
  virtual void peer_gone(const std::string& node) = 0;
  // Why `grant` cannot run; empty if it can.
  virtual std::string grant_refusal(const v1::Grant& grant) = 0;
  // Runs a granted window; what it did is durable and sent when it returns.
  virtual v1::RoundReport run_window(const v1::Grant& grant) = 0;
  // Makes what a command did durable before its reply can be seen.
  virtual void make_durable() = 0;
  virtual void fill_status(v1::NodeStatus* status) = 0;
  // While true, replies wait (ControlServer::release_held sends them).
  virtual bool holding() const = 0;
  // Called after each reply: a node told to crash ends here.
  virtual void replied() = 0;
};

// Commands that drive the node's life and time: the launcher's alone.
bool launcher_only(const v1::ControlRequest& request);

class ControlServer {
 public:
  // Serves `node`, named `name`, on `control` (a ROUTER whose ZAP handler
  // admits only the launcher and the operator) and on `channel`, the
  // launcher's, if open.
  ControlServer(std::string name, zmq::socket_t& control, ControlledNode& node,
                std::shared_ptr<spdlog::logger> log, ControlChannel channel = {});

  // Takes one request, if one waits, and answers it (or holds the grant).
  void handle();
  // The same on the launcher's channel. Once the launcher's end has closed
  // (the launcher died), the node stops: launcher_gone().
  void handle_channel();
  // The launcher's channel's descriptor, to poll; -1 without one.
  int channel_fd() const { return channel_.fd(); }
  // A frame of `peer`'s incarnation `incarnation` was taken in.
  void count_frame(const std::string& peer, uint32_t incarnation) {
    ++frames_from_[{peer, incarnation}];
  }
  // Runs the pending grant once every expected frame has come.
  void run_grant_if_ready();
  // Sends what holding() kept back, once the node no longer holds.
  void release_held();
  // A stop was carried out: the node's loop ends.
  bool stopped() const { return stopped_; }
  bool launcher_gone() const { return launcher_gone_; }

 private:
  // Where a request came from, so that its reply goes back there: the
  // launcher's channel, or the ROUTER's peer of `routing_id`.
  struct Requester {
    bool channel = false;
    std::string routing_id;
  };
  struct PendingGrant {
    Requester requester;
    v1::ControlRequest request;
  };

  // Answers one request of `issuer` (authenticated by its key, or the
  // launcher by its channel).
  void serve(Requester requester, const std::string& issuer, const std::string& payload);
  // Sends a reply, or holds it while the node is holding().
  void reply(const Requester& requester, const v1::ControlReply& reply);
  void send(const Requester& requester, const std::string& payload);
  // Carries out a request other than a grant or PeerGone; fills `answer`.
  void carry_out(const v1::ControlRequest& request, const std::string& issuer,
                 v1::ControlReply* answer);
  std::string command_error(const v1::ControlRequest& request, const std::string& issuer);
  // The pending grant no longer waits for frames from `peer`'s process,
  // which died (PeerGone).
  void forget_frames_of(const std::string& peer);

  const std::string name_;
  zmq::socket_t& control_;
  ControlledNode& node_;
  std::shared_ptr<spdlog::logger> log_;
  // Frames received from each peer, by (peer, the peer's incarnation).
  std::map<std::pair<std::string, uint32_t>, uint64_t> frames_from_;
  std::optional<PendingGrant> grant_;
  ControlChannel channel_;
  std::deque<std::pair<Requester, std::string>> held_replies_;  // (requester, reply)
  bool stopped_ = false;
  bool launcher_gone_ = false;
};

}  // namespace tearline
