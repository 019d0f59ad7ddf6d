// The ZAP handler of one process (ZeroMQ RFC 27, as the guide's Ironhouse
// pattern): libzmq asks it, for every CURVE handshake on this process's
// server sockets, whether the client's public key may connect. It accepts
// only the members allowed on that socket's domain, and names the
// connection after the member whose key it is: every message on it then
// carries that name as its "User-Id" property, the authenticated identity.
//
// Runs on its own thread (libzmq waits for its answer during the handshake,
// so it must not wait behind the process's event loop); it shares nothing
// with that loop but the immutable tables given at construction and a log.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "security/keys.h"

namespace tearline {

// ZAP domains of tearline's server sockets.
inline constexpr const char* kDataDomain = "tearline.data";
inline constexpr const char* kControlDomain = "tearline.control";
inline constexpr const char* kLauncherDomain = "tearline.launcher";

// Members allowed to connect, by ZAP domain.
using ZapPolicy = std::map<std::string, std::set<std::string>>;

// The member a client of `domain` authenticates as, if it may connect:
// mechanism CURVE, a 32-byte public key of a member allowed on the domain.
std::optional<std::string> authorise(const ZapPolicy& policy, const PublicKeys& keys,
                                     const std::string& domain, const std::string& mechanism,
                                     const std::string& public_key_bytes);

class ZapHandler {
 public:
  // Binds the handler in `context` and starts its thread; must come before
  // any server socket of the context binds. `log` may be null.
  ZapHandler(zmq::context_t& context, PublicKeys keys, ZapPolicy policy,
             std::shared_ptr<spdlog::logger> log);
  // Stops the thread (as stop()).
  ~ZapHandler();
  // Stops the thread and closes the handler's sockets, so that the context
  // can end. Handshakes after it fail: refused, never accepted. Idempotent.
  void stop();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  uint64_t refused() const { return refused_.load(); }

 private:
  void serve(zmq::socket_t& handler, zmq::socket_t& stop);
  void answer(zmq::socket_t& handler);

  PublicKeys keys_;
  ZapPolicy policy_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::socket_t stop_sender_;
  std::atomic<uint64_t> refused_{0};
  std::thread thread_;
};

}  // namespace tearline
