#include "bench/hop_round.h"

#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/invariant.h"
#include "bench/hop_centre.h"
#include "bench/hop_sockets.h"
#include "node/role.h"
#include "security/curve.h"
#include "security/zap_handler.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct ProcessUsage {
  double cpu_s;
  double switches;
};

ProcessUsage process_usage() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) * 1e-6;
  };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime),
          static_cast<double>(usage.ru_nvcsw + usage.ru_nivcsw)};
}

double thread_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

void run_consumer(zmq::context_t& context, const std::string& endpoint, size_t frames,
                  const CurveKeys* curve, std::latch& ready,
                  SteadyClock::time_point* last_receive) {
  ReadySignal signal(ready);
  zmq::socket_t socket(context, zmq::socket_type::router);
  configure(socket);
  if (curve) make_curve_server(socket, curve->consumer, kDataDomain);
  socket.bind(endpoint);
  signal.signal();
  zmq::message_t from;
  zmq::message_t payload;
  for (size_t i = 0; i < frames; ++i) receive_routed(socket, from, payload);
  *last_receive = SteadyClock::now();
}

// The bare forward: no parsing, so the same ack every time, and the payload
// sent on as many times as the centre sends copies.
double run_bare_forward(zmq::context_t& context, const HopEndpoints& endpoints,
                        const HopTraffic& traffic, const CurveKeys* curve, std::latch& ready) {
  ReadySignal signal(ready);
  HopSockets sockets = open_hop_sockets(context, endpoints, curve);
  const size_t messages = traffic.frames.size();
  v1::Frame ack;
  ack.set_version(1);
  ack.mutable_ack()->set_message_id(copy_message_id(std::to_string(messages), kCentreNode));
  ack.mutable_ack()->set_receiver(kCentreNode);
  ack.mutable_ack()->set_sequence(messages);
  ack.mutable_ack()->set_received_at_h(static_cast<double>(messages) * kScenarioHoursPerMessage);
  const std::string bare_ack = ack.SerializeAsString();
  signal.signal();

  zmq::message_t from;
  zmq::message_t payload;
  const double cpu_start_s = thread_cpu_s();
  for (size_t i = 0; i < messages; ++i) {
    receive_routed(sockets.inbound, from, payload);
    send_routed(sockets.inbound, from.to_string_view(), bare_ack);
    for (size_t copy = 0; copy < traffic.copies_per_report; ++copy) {
      send(sockets.outbound, payload.to_string_view());
    }
  }
  return thread_cpu_s() - cpu_start_s;
}

void run_producer(zmq::context_t& context, const std::string& endpoint,
                  const std::vector<std::string>& frames, const CurveKeys* curve, std::latch& ready,
                  SteadyClock::time_point* first_send) {
  ready.wait();
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  configure(socket);
  socket.set(zmq::sockopt::routing_id, kSenderNode);
  if (curve) make_curve_client(socket, curve->producer, curve->hop.curve_public_z85);
  socket.connect(endpoint);
  zmq::message_t ack;
  size_t sent = 0;
  size_t acked = 0;
  *first_send = SteadyClock::now();
  while (acked < frames.size()) {
    while (sent < frames.size() && sent - acked < kProducerWindowMsgs) send(socket, frames[sent++]);
    receive(socket, ack, "an acknowledgement");
    ++acked;
    while (socket.recv(ack, zmq::recv_flags::dontwait)) ++acked;
  }
  TEARLINE_ASSERT(acked == frames.size());
}

// Runs `body` on a thread, keeping what it throws for the caller.
std::thread start(std::exception_ptr* error, std::function<void()> body) {
  return std::thread([error, body = std::move(body)] {
    try {
      body();
    } catch (...) {
      *error = std::current_exception();
    }
  });
}

uint64_t take_file_size(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return 0;
  const uint64_t bytes = std::filesystem::file_size(path);
  std::filesystem::remove(path);  // Hundreds of MB per round otherwise.
  return bytes;
}

}  // namespace

const char* variant_name(Variant variant) {
  switch (variant) {
    case Variant::kBare:
      return "bare forward";
    case Variant::kBrokerHop:
      return "broker hop";
    case Variant::kDurableHop:
      return "durable hop";
    case Variant::kReplicatedHop:
      return "replicated hop";
  }
  return "";
}

RoundResult run_round(Variant variant, bool curve, const HopTraffic& traffic,
                      const std::filesystem::path& dir) {
  const HopEndpoints endpoints{"ipc://" + (dir / "broker.data").string(),
                               "ipc://" + (dir / "unit.data").string(),
                               "ipc://" + (dir / "broker.b.data").string()};
  const std::filesystem::path copy_path = dir / "broker.b.journal";
  const std::optional<CurveKeys> keys =
      curve ? std::optional<CurveKeys>(std::in_place) : std::nullopt;
  const CurveKeys* curve_keys = keys ? &*keys : nullptr;
  zmq::context_t context;
  std::optional<ZapHandler> zap;  // Stops before the context ends.
  if (keys) {
    zap.emplace(context, keys->public_keys,
                ZapPolicy{{kDataDomain, {keys->producer.name, keys->hop.name}}}, nullptr);
  }
  const bool replicated = variant == Variant::kReplicatedHop;
  // Consumer bound; hop bound and connected; the standby bound.
  std::latch ready(replicated ? 3 : 2);
  SteadyClock::time_point first_send;
  SteadyClock::time_point last_receive;
  RoundResult result;
  std::exception_ptr errors[4];
  const ProcessUsage usage_before = process_usage();
  std::vector<std::thread> threads;
  if (replicated) {
    threads.push_back(
        start(&errors[3], [&] { run_standby(context, endpoints, copy_path, curve_keys, ready); }));
  }
  const size_t forwards = traffic.frames.size() * traffic.copies_per_report;
  threads.push_back(start(&errors[0], [&] {
    run_consumer(context, endpoints.outbound, forwards, curve_keys, ready, &last_receive);
  }));
  threads.push_back(start(&errors[1], [&] {
    if (variant == Variant::kBare) {
      result.hop_cpu_s = run_bare_forward(context, endpoints, traffic, curve_keys, ready);
      return;
    }
    const HopThreadResult hop = run_centre_hop(variant != Variant::kBrokerHop, replicated, context,
                                               endpoints, traffic, dir, curve_keys, ready);
    result.hop_cpu_s = hop.cpu_s;
    result.windows = hop.windows;
  }));
  threads.push_back(start(&errors[2], [&] {
    run_producer(context, endpoints.inbound, traffic.frames, curve_keys, ready, &first_send);
  }));
  for (std::thread& thread : threads) thread.join();
  const ProcessUsage usage_after = process_usage();
  result.process_cpu_s = usage_after.cpu_s - usage_before.cpu_s;
  result.switches = usage_after.switches - usage_before.switches;
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  result.wall_s = std::chrono::duration<double>(last_receive - first_send).count();
  result.trace_bytes = take_file_size(dir / "broker.trace.jsonl");
  result.journal_bytes = take_file_size(dir / "broker.journal");
  const uint64_t copy_bytes = take_file_size(copy_path);
  if (replicated && copy_bytes != result.journal_bytes) {
    throw std::runtime_error("the standby's copy of the journal is not whole");
  }
  return result;
}

}  // namespace tearline::bench
