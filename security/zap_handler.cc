#include "security/zap_handler.h"

#include <fmt/format.h>

#include <array>
#include <vector>
#include <zmq_addon.hpp>

#include "base/invariant.h"

namespace tearline {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kStopEndpoint = "inproc://tearline.zap.stop";
// Refusals logged one by one; beyond, one line per this many.
constexpr uint64_t kRefusalsLoggedEach = 20;
constexpr uint64_t kRefusalLogEvery = 1000;

std::string z85_of(const std::string& key_bytes) {
  TEARLINE_ASSERT(key_bytes.size() == 32);  // Every caller checks the size first.
  std::array<char, 41> text{};
  zmq_z85_encode(text.data(), reinterpret_cast<const uint8_t*>(key_bytes.data()), 32);
  return text.data();
}

}  // namespace

std::optional<std::string> authorise(const ZapPolicy& policy, const PublicKeys& keys,
                                     const std::string& domain, const std::string& mechanism,
                                     const std::string& public_key_bytes) {
  if (mechanism != "CURVE" || public_key_bytes.size() != 32) return std::nullopt;
  const auto allowed = policy.find(domain);
  if (allowed == policy.end()) return std::nullopt;
  const std::optional<std::string> member = keys.name_of(z85_of(public_key_bytes));
  if (!member || !allowed->second.contains(*member)) return std::nullopt;
  TEARLINE_ASSERT(!member->empty());  // An empty name would read as "not authenticated".
  return member;
}

ZapHandler::ZapHandler(zmq::context_t& context, PublicKeys keys, ZapPolicy policy,
                       std::shared_ptr<spdlog::logger> log)
    : keys_(std::move(keys)),
      policy_(std::move(policy)),
      log_(std::move(log)),
      stop_sender_(context, zmq::socket_type::pair) {
  // Bound here, before the constructor returns, so no handshake can come
  // before the handler is there.
  auto handler = std::make_shared<zmq::socket_t>(context, zmq::socket_type::rep);
  handler->set(zmq::sockopt::linger, 0);
  handler->bind(kZapEndpoint);
  auto stop = std::make_shared<zmq::socket_t>(context, zmq::socket_type::pair);
  stop->bind(kStopEndpoint);
  stop_sender_.set(zmq::sockopt::linger, 0);
  stop_sender_.connect(kStopEndpoint);
  thread_ = std::thread([this, handler, stop] { serve(*handler, *stop); });
}

ZapHandler::~ZapHandler() { stop(); }

void ZapHandler::stop() {
  if (!thread_.joinable()) return;
  stop_sender_.send(zmq::str_buffer("stop"), zmq::send_flags::dontwait);
  thread_.join();
  stop_sender_.close();
}

void ZapHandler::serve(zmq::socket_t& handler, zmq::socket_t& stop) {
  while (true) {
    std::vector<zmq::pollitem_t> items = {{handler.handle(), 0, ZMQ_POLLIN, 0},
                                          {stop.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items);
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) continue;
      return;  // The context is ending.
    }
    if (items[1].revents & ZMQ_POLLIN) return;
    if (items[0].revents & ZMQ_POLLIN) answer(handler);
  }
}

void ZapHandler::answer(zmq::socket_t& handler) {
  // A request: version, request id, domain, address, routing id,
  // mechanism, credentials (RFC 27).
  std::vector<zmq::message_t> request;
  if (!zmq::recv_multipart(handler, std::back_inserter(request))) return;
  std::string version = request.empty() ? "" : request[0].to_string();
  std::string request_id = request.size() > 1 ? request[1].to_string() : "";
  std::optional<std::string> member;
  std::string address;
  if (request.size() >= 7 && version == "1.0") {
    address = request[3].to_string();
    member = authorise(policy_, keys_, request[2].to_string(), request[5].to_string(),
                       request[6].to_string());
    if (!member) {
      const uint64_t refused = ++refused_;
      if (log_ && (refused <= kRefusalsLoggedEach || refused % kRefusalLogEvery == 0)) {
        const std::string key =
            request[6].size() == 32 ? z85_of(request[6].to_string()) : "(no CURVE key)";
        log_->warn("refused a {} connection from {} with key {} ({} refused so far)",
                   request[2].to_string(), address, key, refused);
      }
    }
  }
  std::array<std::string, 6> reply = {"1.0",
                                      request_id,
                                      member ? "200" : "400",
                                      member ? "OK" : "not a member allowed here",
                                      member.value_or(""),
                                      ""};
  zmq::send_multipart(
      handler, std::array<zmq::const_buffer, 6>{zmq::buffer(reply[0]), zmq::buffer(reply[1]),
                                                zmq::buffer(reply[2]), zmq::buffer(reply[3]),
                                                zmq::buffer(reply[4]), zmq::buffer(reply[5])});
}

}  // namespace tearline
