// The floor under a round (sync/DESIGN.md, "What a round costs"): a bare
// round trip between two processes, 32-byte messages, each side polling
// before it reads as the launcher and a node do, over the control channel
// (an AF_UNIX SEQPACKET socketpair, runtime/control_channel.h), over
// ZeroMQ DEALER/ROUTER on ipc:// as the control socket was, and the same
// with CURVE. Prints microseconds per round trip; run by
// scripts/bench-roundtrip. Exit 0 once measured, 1 if a child failed, 2 on
// bad usage.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <zmq.hpp>

#include "runtime/control_channel.h"

namespace {

constexpr size_t kMessageBytes = 32;
constexpr int kPollTimeoutMs = 10'000;  // A child that never answers ends the run.

using Clock = std::chrono::steady_clock;

// Polls `fd`, then takes one packet; false on a timeout or a closed end.
bool receive_packet(const tearline::ControlChannel& channel, std::string* packet) {
  pollfd item{channel.fd(), POLLIN, 0};
  if (poll(&item, 1, kPollTimeoutMs) != 1) return false;
  return channel.receive(packet) == tearline::ControlChannel::Received::kPacket;
}

bool receive_message(zmq::socket_t& socket, zmq::message_t* message) {
  std::array<zmq::pollitem_t, 1> items{{{socket.handle(), 0, ZMQ_POLLIN, 0}}};
  if (zmq::poll(items.data(), 1, std::chrono::milliseconds(kPollTimeoutMs)) != 1) return false;
  return socket.recv(*message, zmq::recv_flags::dontwait).has_value();
}

// Runs `child` in a forked process and `parent` here; the parent's figure
// in microseconds per round trip, or a negative one if either failed.
template <typename Child, typename Parent>
double in_two_processes(Child child, Parent parent) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) std::_Exit(child() ? 0 : 1);
  const double us = parent();
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? us : -1;
}

double over_channel(int round_trips) {
  auto [launcher, node] = tearline::ControlChannel::make_pair();
  return in_two_processes(
      [&, &node = node, &launcher = launcher] {
        launcher.close();
        std::string packet;
        for (int i = 0; i < round_trips; ++i) {
          if (!receive_packet(node, &packet) || !node.send(packet)) return false;
        }
        return true;
      },
      [&, &node = node, &launcher = launcher] {
        node.close();
        const std::string request(kMessageBytes, 'g');
        std::string reply;
        const Clock::time_point began = Clock::now();
        for (int i = 0; i < round_trips; ++i) {
          if (!launcher.send(request) || !receive_packet(launcher, &reply)) return -1.0;
        }
        return std::chrono::duration<double, std::micro>(Clock::now() - began).count() /
               round_trips;
      });
}

struct CurveKeys {
  std::array<char, 41> server_public{}, server_secret{}, client_public{}, client_secret{};
};

double over_zeromq(int round_trips, bool curve) {
  const std::string endpoint = "ipc://" + (std::filesystem::temp_directory_path() /
                                           ("tearline-roundtrip-" + std::to_string(getpid())))
                                              .string();
  CurveKeys keys;
  if (curve) {
    zmq_curve_keypair(keys.server_public.data(), keys.server_secret.data());
    zmq_curve_keypair(keys.client_public.data(), keys.client_secret.data());
  }
  // Each process makes its own context after the fork.
  const double us = in_two_processes(
      [&] {
        zmq::context_t context;
        zmq::socket_t router(context, zmq::socket_type::router);
        router.set(zmq::sockopt::linger, 1000);  // The last reply leaves before the exit.
        if (curve) {
          router.set(zmq::sockopt::curve_server, true);
          router.set(zmq::sockopt::curve_secretkey, keys.server_secret.data());
        }
        router.bind(endpoint);
        zmq::message_t identity, message;
        for (int i = 0; i < round_trips; ++i) {
          if (!receive_message(router, &identity) || !identity.more() ||
              !router.recv(message, zmq::recv_flags::dontwait)) {
            return false;
          }
          router.send(identity, zmq::send_flags::sndmore);
          router.send(message, zmq::send_flags::none);
        }
        return true;
      },
      [&] {
        zmq::context_t context;
        zmq::socket_t dealer(context, zmq::socket_type::dealer);
        dealer.set(zmq::sockopt::linger, 0);
        if (curve) {
          dealer.set(zmq::sockopt::curve_serverkey, keys.server_public.data());
          dealer.set(zmq::sockopt::curve_publickey, keys.client_public.data());
          dealer.set(zmq::sockopt::curve_secretkey, keys.client_secret.data());
        }
        dealer.connect(endpoint);  // Queued until the child has bound.
        const std::string request(kMessageBytes, 'g');
        zmq::message_t reply;
        // The first round trip (connecting, the handshake) is not timed.
        dealer.send(zmq::buffer(request), zmq::send_flags::none);
        if (!receive_message(dealer, &reply)) return -1.0;
        const Clock::time_point began = Clock::now();
        for (int i = 1; i < round_trips; ++i) {
          dealer.send(zmq::buffer(request), zmq::send_flags::none);
          if (!receive_message(dealer, &reply)) return -1.0;
        }
        return std::chrono::duration<double, std::micro>(Clock::now() - began).count() /
               (round_trips - 1);
      });
  std::filesystem::remove(endpoint.substr(6));
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  int round_trips = 20'000;
  CLI::App app{
      "tearline-bench-roundtrip: a bare round trip between two processes (32-byte messages) "
      "over a SEQPACKET socketpair, ZeroMQ DEALER/ROUTER on ipc, and ZeroMQ with CURVE; prints "
      "microseconds per round trip (sync/DESIGN.md). Run by scripts/bench-roundtrip."};
  app.add_option("--round-trips", round_trips, "round trips per transport (default 20000)")
      ->check(CLI::Range(2, 10'000'000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  const double channel_us = over_channel(round_trips);
  const double zeromq_us = over_zeromq(round_trips, false);
  const double curve_us = over_zeromq(round_trips, true);
  if (channel_us < 0 || zeromq_us < 0 || curve_us < 0) {
    std::fprintf(stderr, "tearline-bench-roundtrip: a round trip failed\n");
    return 1;
  }
  std::printf("%-26s %10s %8s\n", "transport", "us/trip", "ratio");
  std::printf("%-26s %10.1f %8.1f\n", "socketpair (SEQPACKET)", channel_us, 1.0);
  std::printf("%-26s %10.1f %8.1f\n", "zeromq ipc", zeromq_us, zeromq_us / channel_us);
  std::printf("%-26s %10.1f %8.1f\n", "zeromq ipc + curve", curve_us, curve_us / channel_us);
  std::printf("(%d round trips each)\n", round_trips);
  return 0;
}
