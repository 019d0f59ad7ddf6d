#include "bench/hop_centre.h"

#include <time.h>

#include <optional>
#include <stdexcept>
#include <vector>

#include "base/invariant.h"
#include "bench/hop_node.h"
#include "bench/hop_round.h"
#include "durability/journal_replica.h"
#include "durability/journal_stream.h"
#include "security/curve.h"
#include "security/zap_handler.h"
#include "tearline/v1/journal.pb.h"

namespace tearline::bench {
namespace {

double thread_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// The hop's link to its standby: the journal's stream, a socket to send
// chunks on and one for the standby's acknowledgements.
struct StandbyLink {
  StandbyLink(zmq::context_t& context, const std::string& journal_path)
      : stream(journal_path, kCentreNode, kStandbyMember),
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
    send(link.to_standby, chunk.SerializeAsString());
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

}  // namespace

HopThreadResult run_centre_hop(bool journal, bool replicated, zmq::context_t& context,
                               const HopEndpoints& endpoints, const HopTraffic& traffic,
                               const std::filesystem::path& dir, const CurveKeys* curve,
                               std::latch& ready) {
  TEARLINE_ASSERT(journal || !replicated);
  ReadySignal signal(ready);
  HopSockets sockets = open_hop_sockets(context, endpoints, curve);
  zmq::socket_t& inbound = sockets.inbound;
  zmq::socket_t& outbound = sockets.outbound;

  HopNode node(traffic, dir, journal);
  std::optional<StandbyLink> standby;
  if (replicated) {
    standby.emplace(context, node.journal_path().string());
    configure(standby->to_standby);
    configure(standby->from_standby);
    if (curve) {
      make_curve_client(standby->to_standby, curve->hop, curve->hop.curve_public_z85);
      make_curve_server(standby->from_standby, curve->hop, kDataDomain);
    }
    standby->from_standby.bind(endpoints.standby + ".acks");
    standby->to_standby.connect(endpoints.standby);
  }
  signal.signal();

  const size_t messages = traffic.frames.size();
  HopThreadResult result;
  zmq::message_t from;
  zmq::message_t payload;
  const double cpu_start_s = thread_cpu_s();
  for (size_t done = 0; done < messages;) {
    receive_routed(inbound, from, payload);
    size_t batch = 0;
    do {
      node.take(from.to_string(), payload.to_string_view());
      ++batch;
    } while (done + batch < messages && batch < kBatchMsgs &&
             try_receive_routed(inbound, from, payload));
    const std::vector<OutboundFrame>& frames = node.run_window();
    ++result.windows;
    if (standby) replicate(*standby, node.journal_bytes());
    size_t copies = 0;
    for (const OutboundFrame& frame : frames) {
      if (frame.ack) {
        send_routed(inbound, frame.peer, frame.bytes);
      } else {
        send(outbound, frame.bytes);
        ++copies;
      }
    }
    // Every report of the window was served and routed within it.
    TEARLINE_ASSERT(copies == batch * traffic.copies_per_report);
    TEARLINE_ASSERT(frames.size() == batch * (1 + traffic.copies_per_report));
    done += batch;
  }
  result.cpu_s = thread_cpu_s() - cpu_start_s;
  if (standby) send(standby->to_standby, "");  // Ends the standby's round.
  return result;
}

void run_standby(zmq::context_t& context, const HopEndpoints& endpoints,
                 const std::filesystem::path& copy_path, const CurveKeys* curve,
                 std::latch& ready) {
  ReadySignal signal(ready);
  zmq::socket_t chunks(context, zmq::socket_type::pull);
  configure(chunks);
  if (curve) make_curve_server(chunks, curve->hop, kDataDomain);  // The centre's key.
  chunks.bind(endpoints.standby);
  zmq::socket_t acks(context, zmq::socket_type::push);
  configure(acks);
  if (curve) make_curve_client(acks, curve->hop, curve->hop.curve_public_z85);
  acks.connect(endpoints.standby + ".acks");
  signal.signal();
  JournalReplica copy(copy_path.string());
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
      throw std::runtime_error("an unreadable journal chunk");
    }
    if (!copy.write(replication.chunk().offset(), replication.chunk().data(), &error)) {
      throw std::runtime_error("journal chunk refused: " + error);
    }
    answer.mutable_ack()->set_durable_bytes(copy.durable_bytes());
    send(acks, answer.SerializeAsString());
  }
}

}  // namespace tearline::bench
