// tearline-bench-broker: how many messages per second one broker hop sustains
// (parse, rank, route, trace, forward), beside a bare ZeroMQ forward of the
// same messages, measured in the same run. See README.md, "Benchmarks".
//
// One process, three threads, each with its own sockets, over ipc:// in a
// fresh temporary directory per round:
//
//   producer DEALER --> hop ROUTER | hop DEALER "broker" --> consumer ROUTER
//            <-- ack --
//
// The producer sends N pre-serialized Frame{envelope}s and keeps at most
// kProducerWindowMsgs unacknowledged; the hop acknowledges each one over the
// ROUTER as the node runtime does, and forwards it; the consumer counts to N.
// Both variants acknowledge every message, so their ZeroMQ traffic is the
// same: the bare hop returns a fixed pre-serialized ack and moves the
// received payload on untouched; the broker hop runs BrokerHop on it.
// Throughput = N / (last receive at the consumer - first send). The durable
// hop is the broker hop with the journal of a node with `journal = true`
// (docs/DURABILITY.md): it takes in what has come (at least one frame, at
// most kBatchMsgs), appends each frame to the journal, flushes its trace and
// commits with one fdatasync (group commit), and only then sends the batch's
// acks and forwards. The replicated hop is the durable hop of a centre with
// a hot standby (docs/DURABILITY.md, "Hot standby"): after each commit it
// streams the new journal bytes to a fourth thread, the standby, which
// writes and syncs its copy and acknowledges, and the batch's acks and
// forwards wait for that acknowledgement, as the node runtime's outputs
// do. Each variant runs twice: plain, and with CURVE on every
// socket (a ZAP handler admitting the producer and the hop), as tearline's
// own sockets are, so the cost of CURVE is measured beside the hop's.
#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <functional>
#include <latch>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "bench/broker_hop.h"
#include "bench/report_mix.h"
#include "bench/signature_cost.h"
#include "durability/journal.h"
#include "durability/journal_replica.h"
#include "durability/journal_stream.h"
#include "node/role.h"
#include "security/curve.h"
#include "security/keys.h"
#include "security/zap_handler.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Unacknowledged messages the producer allows: enough to keep the hop busy,
// few enough that queues stay far below the high-water marks.
constexpr size_t kProducerWindowMsgs = 1000;
// Far above any queue the window allows, so no send blocks or drops.
constexpr int kHighWaterMarkMsgs = 100 * kProducerWindowMsgs;
// A thread that waits this long for a message gives up: a peer has failed.
constexpr int kStallTimeoutMs = 10000;
constexpr const char* kHopNode = "broker";

// The most frames the durable hop takes in per commit.
constexpr size_t kBatchMsgs = 1000;

enum class Variant { kBare, kBrokerHop, kDurableHop, kReplicatedHop };
constexpr Variant kVariants[] = {Variant::kBare, Variant::kBrokerHop, Variant::kDurableHop,
                                 Variant::kReplicatedHop};
constexpr const char* kStandbyMember = "broker.b";

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

// The members' keys of a round with CURVE.
struct CurveKeys {
  MemberKey producer = generate_member_key(kSenderNode);
  MemberKey hop = generate_member_key(kHopNode);
  MemberKey consumer = generate_member_key("unit.manchester");
  PublicKeys public_keys{{{producer.name, producer.curve_public_z85},
                          {hop.name, hop.curve_public_z85},
                          {consumer.name, consumer.curve_public_z85}}};
};

struct RoundResult {
  double wall_s = 0;
  double hop_cpu_s = 0;        // CPU time of the hop thread alone.
  double process_cpu_s = 0;    // Of every thread, ZeroMQ's included, setup included.
  double switches = 0;         // Context switches of the process, both kinds.
  uint64_t trace_bytes = 0;    // Broker and durable hops only.
  uint64_t journal_bytes = 0;  // Durable and replicated hops only.
  uint64_t commits = 0;
};

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

void configure(zmq::socket_t& socket) {
  // A sender's thread ends right after its last send: closing must deliver
  // what is still queued, not drop it (linger 0, as in the runtime, would).
  socket.set(zmq::sockopt::linger, kStallTimeoutMs);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
  socket.set(zmq::sockopt::rcvhwm, kHighWaterMarkMsgs);
  socket.set(zmq::sockopt::rcvtimeo, kStallTimeoutMs);
  socket.set(zmq::sockopt::sndtimeo, kStallTimeoutMs);
}

void receive(zmq::socket_t& socket, zmq::message_t& message, const char* what) {
  if (!socket.recv(message)) throw std::runtime_error(fmt::format("stalled waiting for {}", what));
}

// A ROUTER's [sender][payload], as the node runtime receives data frames.
void receive_routed(zmq::socket_t& socket, zmq::message_t& from, zmq::message_t& payload) {
  receive(socket, from, "a routed frame");
  if (!from.more()) throw std::runtime_error("routed frame without payload");
  receive(socket, payload, "a routed frame");
  if (payload.more()) throw std::runtime_error("routed frame of more than two parts");
}

// Like receive_routed, but false at once when nothing has come.
bool try_receive_routed(zmq::socket_t& socket, zmq::message_t& from, zmq::message_t& payload) {
  if (!socket.recv(from, zmq::recv_flags::dontwait)) return false;
  if (!from.more()) throw std::runtime_error("routed frame without payload");
  receive(socket, payload, "a routed frame");
  if (payload.more()) throw std::runtime_error("routed frame of more than two parts");
  return true;
}

// A ROUTER's reply to peer `to`, as the node runtime sends acks: never
// waiting (the producer's window keeps its queue short).
void send_routed(zmq::socket_t& socket, const zmq::message_t& to, std::string_view payload) {
  const auto flags = zmq::send_flags::dontwait;
  if (!socket.send(zmq::buffer(to.data(), to.size()), flags | zmq::send_flags::sndmore) ||
      !socket.send(zmq::buffer(payload), flags)) {
    throw std::runtime_error("acknowledgement not sent");
  }
}

// Signals readiness once, at the latest when the thread's setup fails, so
// the producer never waits for a thread that is gone.
class ReadySignal {
 public:
  explicit ReadySignal(std::latch& latch) : latch_(latch) {}
  ~ReadySignal() { signal(); }
  ReadySignal(const ReadySignal&) = delete;
  ReadySignal& operator=(const ReadySignal&) = delete;
  void signal() {
    if (!signalled_) latch_.count_down();
    signalled_ = true;
  }

 private:
  std::latch& latch_;
  bool signalled_ = false;
};

void run_consumer(zmq::context_t& context, const std::string& endpoint, size_t messages,
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
  for (size_t i = 0; i < messages; ++i) receive_routed(socket, from, payload);
  *last_receive = SteadyClock::now();
}

// The replicated hop's link to its standby: the journal's stream, a socket
// to send chunks on and one for the standby's acknowledgements.
struct StandbyLink {
  StandbyLink(zmq::context_t& context, const std::string& journal_path)
      : stream(journal_path, kHopNode, kStandbyMember),
        to_standby(context, zmq::socket_type::push),
        from_standby(context, zmq::socket_type::pull) {}
  JournalStream stream;
  zmq::socket_t to_standby;
  zmq::socket_t from_standby;
};

// Sends the journal bytes written since the last chunk to the standby and
// waits until its copy holds them.
void replicate(StandbyLink& link, uint64_t written_bytes) {
  for (const v1::Replication& chunk : link.stream.next_chunks(written_bytes)) {
    if (!link.to_standby.send(zmq::buffer(chunk.SerializeAsString()), zmq::send_flags::none)) {
      throw std::runtime_error("stalled sending to the standby");
    }
  }
  zmq::message_t answer;
  v1::Replication ack;
  while (link.stream.durable_bytes() < written_bytes) {
    receive(link.from_standby, answer, "the standby's acknowledgement");
    if (!ack.ParseFromArray(answer.data(), static_cast<int>(answer.size())) || !ack.has_ack()) {
      throw std::runtime_error("unreadable acknowledgement from the standby");
    }
    link.stream.acknowledged(ack.ack());
  }
}

// The standby of the replicated hop: writes each chunk to its copy, syncs
// and acknowledges, until an empty message ends the round.
void run_standby(zmq::context_t& context, const std::string& chunk_endpoint,
                 const std::string& ack_endpoint, const std::string& copy_path,
                 const CurveKeys* curve, std::latch& ready) {
  ReadySignal signal(ready);
  zmq::socket_t chunks(context, zmq::socket_type::pull);
  configure(chunks);
  if (curve) make_curve_server(chunks, curve->hop, kDataDomain);  // The centre's key.
  chunks.bind(chunk_endpoint);
  zmq::socket_t acks(context, zmq::socket_type::push);
  configure(acks);
  if (curve) make_curve_client(acks, curve->hop, curve->hop.curve_public_z85);
  acks.connect(ack_endpoint);
  signal.signal();
  JournalReplica copy(copy_path);
  zmq::message_t message;
  v1::Replication replication;
  v1::Replication answer;
  answer.mutable_ack()->set_member(kStandbyMember);
  std::string error;
  while (true) {
    receive(chunks, message, "a journal chunk");
    if (message.size() == 0) return;
    if (!replication.ParseFromArray(message.data(), static_cast<int>(message.size())) ||
        !replication.has_chunk()) {
      throw std::runtime_error(fmt::format("unreadable journal chunk of {} bytes", message.size()));
    }
    if (!copy.write(replication.chunk().offset(), replication.chunk().data(), &error)) {
      throw std::runtime_error("journal chunk refused: " + error);
    }
    answer.mutable_ack()->set_durable_bytes(copy.durable_bytes());
    if (!acks.send(zmq::buffer(answer.SerializeAsString()), zmq::send_flags::none)) {
      throw std::runtime_error("stalled acknowledging a chunk");
    }
  }
}

// The durable hop's loop: batches of what has come, each journaled and
// committed once (and held by the standby, with one) before its acks and
// forwards leave.
void run_durable_hop(BrokerHop& hop, JournalWriter& journal, StandbyLink* standby,
                     zmq::socket_t& inbound, zmq::socket_t& outbound, size_t messages,
                     uint64_t* commits) {
  zmq::message_t from;
  zmq::message_t payload;
  std::vector<std::pair<std::string, std::string>> acks;  // (routing id, ack)
  std::vector<std::string> forwards;
  v1::JournalRecord record;
  for (size_t done = 0; done < messages;) {
    receive_routed(inbound, from, payload);
    size_t batch = 0;
    do {
      record.mutable_frame()->set_from(from.to_string());
      if (!record.mutable_frame()->mutable_frame()->ParseFromArray(
              payload.data(), static_cast<int>(payload.size()))) {
        throw std::runtime_error("unreadable frame");
      }
      journal.append(record);
      hop.handle(from.to_string_view(), payload.to_string_view());
      acks.emplace_back(from.to_string(), hop.ack());
      for (const std::string& frame : hop.forwards()) forwards.push_back(frame);
      ++batch;
    } while (done + batch < messages && batch < kBatchMsgs &&
             try_receive_routed(inbound, from, payload));
    journal.commit(hop.sync_trace(), "broker");
    if (standby) replicate(*standby, journal.written_bytes());
    for (const auto& [to, ack] : acks) {
      const zmq::message_t routing_id(to.data(), to.size());
      send_routed(inbound, routing_id, ack);
    }
    for (const std::string& frame : forwards) {
      if (!outbound.send(zmq::buffer(frame), zmq::send_flags::none)) {
        throw std::runtime_error("stalled sending");
      }
    }
    acks.clear();
    forwards.clear();
    done += batch;
  }
  *commits = journal.commits();
  if (standby && !standby->to_standby.send(zmq::message_t(), zmq::send_flags::none)) {
    throw std::runtime_error("stalled ending the standby's round");
  }
}

void run_hop(Variant variant, zmq::context_t& context, const std::string& inbound_endpoint,
             const std::string& outbound_endpoint, const std::string& standby_endpoint,
             const std::string& trace_path, size_t messages, const CurveKeys* curve,
             std::latch& ready, double* hop_cpu_s, uint64_t* commits) {
  ReadySignal signal(ready);
  zmq::socket_t inbound(context, zmq::socket_type::router);
  configure(inbound);
  if (curve) make_curve_server(inbound, curve->hop, kDataDomain);
  // As the runtime: a reply to a peer that is gone fails instead of vanishing.
  inbound.set(zmq::sockopt::router_mandatory, true);
  inbound.bind(inbound_endpoint);
  zmq::socket_t outbound(context, zmq::socket_type::dealer);
  configure(outbound);
  outbound.set(zmq::sockopt::routing_id, kHopNode);
  if (curve) make_curve_client(outbound, curve->hop, curve->consumer.curve_public_z85);
  outbound.connect(outbound_endpoint);

  std::optional<BrokerHop> hop;
  std::optional<JournalWriter> journal;
  std::string bare_ack;
  std::optional<StandbyLink> standby;
  if (variant == Variant::kDurableHop || variant == Variant::kReplicatedHop) {
    v1::JournalHeader header;
    header.set_format(kJournalFormat);
    header.set_node(kHopNode);
    header.set_mode("coordinated");
    journal.emplace(trace_path + ".journal", header, 0);
  }
  if (variant == Variant::kReplicatedHop) {
    standby.emplace(context, trace_path + ".journal");
    configure(standby->to_standby);
    configure(standby->from_standby);
    if (curve) {
      make_curve_client(standby->to_standby, curve->hop, curve->hop.curve_public_z85);
      make_curve_server(standby->from_standby, curve->hop, kDataDomain);
    }
    standby->from_standby.bind(standby_endpoint + ".acks");
    standby->to_standby.connect(standby_endpoint);
  }
  if (variant != Variant::kBare) {
    hop.emplace(trace_path, random_secret_key(), messages);
  } else {
    // The bare hop does not parse, so it returns the same ack every time.
    v1::Frame ack;
    ack.set_version(1);
    ack.mutable_ack()->set_message_id(
        copy_message_id("us-report-" + std::to_string(messages), kHopNode));
    ack.mutable_ack()->set_receiver(kHopNode);
    ack.mutable_ack()->set_sequence(messages);
    ack.mutable_ack()->set_received_at_h(static_cast<double>(messages) * kScenarioHoursPerMessage);
    bare_ack = ack.SerializeAsString();
  }
  signal.signal();

  zmq::message_t from;
  zmq::message_t payload;
  const double cpu_start_s = thread_cpu_s();
  if (journal) {
    run_durable_hop(*hop, *journal, standby ? &*standby : nullptr, inbound, outbound, messages,
                    commits);
    *hop_cpu_s = thread_cpu_s() - cpu_start_s;
    return;
  }
  for (size_t i = 0; i < messages; ++i) {
    receive_routed(inbound, from, payload);
    if (!hop) {
      send_routed(inbound, from, bare_ack);
      if (!outbound.send(payload, zmq::send_flags::none))
        throw std::runtime_error("stalled sending");
      continue;
    }
    hop->handle(from.to_string_view(), payload.to_string_view());
    send_routed(inbound, from, hop->ack());
    for (const std::string& frame : hop->forwards()) {
      if (!outbound.send(zmq::buffer(frame), zmq::send_flags::none)) {
        throw std::runtime_error("stalled sending");
      }
    }
  }
  *hop_cpu_s = thread_cpu_s() - cpu_start_s;
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
    while (sent < frames.size() && sent - acked < kProducerWindowMsgs) {
      if (!socket.send(zmq::buffer(frames[sent]), zmq::send_flags::none)) {
        throw std::runtime_error("stalled sending");
      }
      ++sent;
    }
    receive(socket, ack, "an acknowledgement");
    ++acked;
    while (socket.recv(ack, zmq::recv_flags::dontwait)) ++acked;
  }
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

RoundResult run_round(Variant variant, const CurveKeys* curve,
                      const std::vector<std::string>& frames, const std::filesystem::path& dir,
                      int round) {
  const std::string hop_endpoint = "ipc://" + (dir / "broker.data").string();
  const std::string consumer_endpoint = "ipc://" + (dir / "unit.data").string();
  const std::string standby_endpoint = "ipc://" + (dir / "broker.b.data").string();
  const std::filesystem::path copy_path = dir / fmt::format("broker-round-{}.b.journal", round);
  const std::filesystem::path trace_path = dir / fmt::format("broker-round-{}.trace.jsonl", round);
  zmq::context_t context;
  std::optional<ZapHandler> zap;  // Stops before the context ends.
  if (curve) {
    zap.emplace(context, curve->public_keys,
                ZapPolicy{{kDataDomain, {curve->producer.name, curve->hop.name}}}, nullptr);
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
    threads.push_back(start(&errors[3], [&] {
      run_standby(context, standby_endpoint, standby_endpoint + ".acks", copy_path.string(), curve,
                  ready);
    }));
  }
  threads.push_back(start(&errors[0], [&] {
    run_consumer(context, consumer_endpoint, frames.size(), curve, ready, &last_receive);
  }));
  threads.push_back(start(&errors[1], [&] {
    run_hop(variant, context, hop_endpoint, consumer_endpoint, standby_endpoint,
            trace_path.string(), frames.size(), curve, ready, &result.hop_cpu_s, &result.commits);
  }));
  threads.push_back(start(
      &errors[2], [&] { run_producer(context, hop_endpoint, frames, curve, ready, &first_send); }));
  for (std::thread& thread : threads) thread.join();
  const ProcessUsage usage_after = process_usage();
  result.process_cpu_s = usage_after.cpu_s - usage_before.cpu_s;
  result.switches = usage_after.switches - usage_before.switches;
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  result.wall_s = std::chrono::duration<double>(last_receive - first_send).count();
  if (std::filesystem::exists(trace_path)) {
    result.trace_bytes = std::filesystem::file_size(trace_path);
    std::filesystem::remove(trace_path);  // Hundreds of MB per round otherwise.
  }
  std::filesystem::path journal_path = trace_path;
  journal_path += ".journal";
  if (std::filesystem::exists(journal_path)) {
    result.journal_bytes = std::filesystem::file_size(journal_path);
    if (replicated && (!std::filesystem::exists(copy_path) ||
                       std::filesystem::file_size(copy_path) != result.journal_bytes)) {
      throw std::runtime_error("the standby's copy of the journal is not whole");
    }
    std::filesystem::remove(journal_path);
    std::filesystem::remove(copy_path);
  }
  return result;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// A temporary directory for the round's sockets and trace, removed at exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tearline-bench-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary directory: " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The hop logic alone, on this thread, without sockets: for profilers
// (valgrind --tool=callgrind ... --profile-hop N) and a per-message cost.
int profile_hop(size_t messages) {
  const std::vector<std::string> frames = make_inbound_frames(messages);
  const TempDir dir;
  const std::filesystem::path trace_path = dir.path() / "broker-profile.trace.jsonl";
  size_t forwarded_bytes = 0;
  double cpu_s = 0;
  uint64_t correlated = 0;
  {
    BrokerHop hop(trace_path.string(), random_secret_key(), messages);
    const double cpu_start_s = thread_cpu_s();
    for (const std::string& frame : frames) {
      hop.handle(kSenderNode, frame);
      forwarded_bytes += hop.ack().size();
      for (const std::string& forward : hop.forwards()) forwarded_bytes += forward.size();
    }
    cpu_s = thread_cpu_s() - cpu_start_s;
    correlated = hop.correlated();
  }  // The trace's last buffer is flushed here, outside the timing.
  const auto per_message = [messages](double total) {
    return total / static_cast<double>(messages);
  };
  fmt::print(
      "hop logic alone: {} messages, {:.2f} us/msg of CPU; per message {:.0f} bytes out, "
      "{:.0f} bytes of trace; {:.1f}% correlated\n",
      messages, per_message(cpu_s * 1e6), per_message(static_cast<double>(forwarded_bytes)),
      per_message(static_cast<double>(std::filesystem::file_size(trace_path))),
      per_message(100.0 * static_cast<double>(correlated)));
  return 0;
}

int run(size_t messages, int rounds) {
  const std::vector<std::string> frames = make_inbound_frames(messages);
  size_t frame_bytes = 0;
  for (const std::string& frame : frames) frame_bytes += frame.size();
  const TempDir dir;
  fmt::print(
      "tearline broker hop benchmark: {} messages x {} rounds per variant (alternating), "
      "3 threads (4 with a standby) over ipc on {} CPUs\n",
      messages, rounds, std::thread::hardware_concurrency());
  fmt::print("inbound frames {:.0f} bytes on average; producer window {} messages; acks in both\n",
             static_cast<double>(frame_bytes) / static_cast<double>(messages), kProducerWindowMsgs);

  struct Samples {
    std::vector<double> msgs_per_s;
    std::vector<double> hop_cpu_us_per_msg;
    std::vector<double> process_cpu_us_per_msg;
    std::vector<double> switches_per_msg;
    uint64_t trace_bytes = 0;
    uint64_t journal_bytes = 0;
    uint64_t commits = 0;
  };
  // By [CURVE][variant].
  Samples samples[2][std::size(kVariants)];
  const CurveKeys curve_keys;
  for (int round = 1; round <= rounds; ++round) {
    for (const bool curve : {false, true}) {
      for (const Variant variant : kVariants) {
        const RoundResult result =
            run_round(variant, curve ? &curve_keys : nullptr, frames, dir.path(), round);
        Samples& sample = samples[curve][static_cast<int>(variant)];
        const double msgs_per_s = static_cast<double>(messages) / result.wall_s;
        sample.msgs_per_s.push_back(msgs_per_s);
        sample.hop_cpu_us_per_msg.push_back(result.hop_cpu_s * 1e6 / static_cast<double>(messages));
        sample.process_cpu_us_per_msg.push_back(result.process_cpu_s * 1e6 /
                                                static_cast<double>(messages));
        sample.switches_per_msg.push_back(result.switches / static_cast<double>(messages));
        sample.trace_bytes = result.trace_bytes;
        sample.journal_bytes = result.journal_bytes;
        sample.commits = result.commits;
        fmt::print(stderr, "round {}/{} {:<12}{:<7} {:>9.0f} msgs/s\n", round, rounds,
                   variant_name(variant), curve ? " CURVE" : "", msgs_per_s);
      }
    }
  }

  fmt::print("\n{:<22}{:>16}{:>12}{:>12}{:>18}{:>18}{:>14}\n", "variant", "median msgs/s", "min",
             "max", "hop CPU us/msg", "all CPU us/msg", "switches/msg");
  for (const bool curve : {false, true}) {
    for (const Variant variant : kVariants) {
      const Samples& sample = samples[curve][static_cast<int>(variant)];
      fmt::print("{:<22}{:>16.0f}{:>12.0f}{:>12.0f}{:>18.2f}{:>18.2f}{:>14.2f}\n",
                 std::string(variant_name(variant)) + (curve ? " + CURVE" : ""),
                 median(sample.msgs_per_s),
                 *std::min_element(sample.msgs_per_s.begin(), sample.msgs_per_s.end()),
                 *std::max_element(sample.msgs_per_s.begin(), sample.msgs_per_s.end()),
                 median(sample.hop_cpu_us_per_msg), median(sample.process_cpu_us_per_msg),
                 median(sample.switches_per_msg));
    }
  }
  const Samples& broker = samples[0][static_cast<int>(Variant::kBrokerHop)];
  fmt::print("broker hop trace: {:.0f} bytes per message\n",
             static_cast<double>(broker.trace_bytes) / static_cast<double>(messages));
  const auto rate = [&](bool curve, Variant variant) {
    return median(samples[curve][static_cast<int>(variant)].msgs_per_s);
  };
  const auto cpu = [&](bool curve, Variant variant) {
    return median(samples[curve][static_cast<int>(variant)].process_cpu_us_per_msg);
  };
  fmt::print("ratio: {:.2f} (target >= 0.70); with CURVE: {:.2f}\n",
             rate(false, Variant::kBrokerHop) / rate(false, Variant::kBare),
             rate(true, Variant::kBrokerHop) / rate(true, Variant::kBare));
  const Samples& durable = samples[0][static_cast<int>(Variant::kDurableHop)];
  fmt::print(
      "durable hop: {:.2f} of the broker hop's rate (target >= 0.50); with CURVE: {:.2f}; "
      "{:.0f} journal bytes and {:.1f} messages per commit (one fdatasync each)\n",
      rate(false, Variant::kDurableHop) / rate(false, Variant::kBrokerHop),
      rate(true, Variant::kDurableHop) / rate(true, Variant::kBrokerHop),
      static_cast<double>(durable.journal_bytes) / static_cast<double>(messages),
      static_cast<double>(messages) / static_cast<double>(std::max<uint64_t>(1, durable.commits)));
  fmt::print(
      "replicated hop: {:.2f} of the durable hop's rate, {:.2f} of the broker hop's; with CURVE: "
      "{:.2f} and {:.2f}\n",
      rate(false, Variant::kReplicatedHop) / rate(false, Variant::kDurableHop),
      rate(false, Variant::kReplicatedHop) / rate(false, Variant::kBrokerHop),
      rate(true, Variant::kReplicatedHop) / rate(true, Variant::kDurableHop),
      rate(true, Variant::kReplicatedHop) / rate(true, Variant::kBrokerHop));
  for (const Variant variant : kVariants) {
    fmt::print("cost of CURVE, {}: {:.0f}% of the rate, {:+.2f} us/msg of CPU\n",
               variant_name(variant), 100 * (1 - rate(true, variant) / rate(false, variant)),
               cpu(true, variant) - cpu(false, variant));
  }
  const SignatureCost signatures = measure_signature_cost(frames);
  fmt::print(
      "cost of report signatures (Ed25519): signing {:.2f} us/msg of CPU (once, by the report's "
      "author), verifying {:.2f} us/msg (by every node that takes it in); CURVE on the broker "
      "hop: {:+.2f} us/msg\n",
      signatures.sign_us_per_msg, signatures.verify_us_per_msg,
      cpu(true, Variant::kBrokerHop) - cpu(false, Variant::kBrokerHop));
  return 0;
}

}  // namespace
}  // namespace tearline::bench

int main(int argc, char** argv) {
  size_t messages = 200000;
  int rounds = 5;
  size_t profile_messages = 0;
  CLI::App app{
      "tearline-bench-broker: messages per second through one broker hop (parse, rank, route, "
      "trace, forward) beside a bare ZeroMQ forward of the same messages, and their ratio. "
      "Exit 0 once measured, 1 on an error, 2 on bad usage. See README.md, \"Benchmarks\"."};
  // Bounds keep the pre-serialized frames (about 300 bytes each) in memory.
  app.add_option("--messages", messages, "messages per round")
      ->check(CLI::Range(size_t{1}, size_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--rounds", rounds, "rounds per variant; the median is reported")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--profile-hop", profile_messages,
                 "instead: run the hop logic alone on N messages, one thread, no sockets, and "
                 "print its CPU time per message (for profilers)")
      ->check(CLI::Range(size_t{1}, size_t{10'000'000}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  try {
    if (profile_messages > 0) return tearline::bench::profile_hop(profile_messages);
    return tearline::bench::run(messages, rounds);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tearline-bench-broker: %s\n", error.what());
    return 1;
  }
}
