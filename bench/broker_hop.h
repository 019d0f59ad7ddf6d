// One broker hop, as the benchmark measures it: what the node runtime and the
// broker role do between an envelope's arrival and the departure of its copy
// to a unit, without the sockets (the benchmark moves the bytes).
//
// In order: check the sender, parse the Frame, build the acknowledgement,
// drop a resend, trace "received", replace the sealed source by the centre's
// pseudonym (trace "pseudonymised"), correlate the subject (trace
// "correlated" if another agency reported it), rank by relevance, route to
// every unit covering the report's area and, per unit, build the outbound
// envelope (id copy_message_id(parent, unit), parent id, handoff
// "broker->unit.x", per-link sequence), trace "sent" and serialize it. Left
// out: the officers' queue (its service time is simulated scenario time, not
// CPU), the link layer's delay, loss and resend bookkeeping, the copy back to
// the origin agency and the "created"/"delivered" events that go with them.
//
// Thread-safety: none; owned by the benchmark's hop thread.
#pragma once

#include <google/protobuf/arena.h>

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/correlator.h"
#include "common/pseudonym.h"
#include "common/scenario.h"
#include "common/trace.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {

class BrokerHop {
 public:
  // Traces to a new JsonlTraceWriter on `trace_path`; `expected_msgs` sizes
  // the table of received message ids.
  BrokerHop(const std::string& trace_path, uint64_t seed, size_t expected_msgs);

  // Handles one data frame from node `from`. Afterwards ack() is the
  // serialized Frame{ack} to return to `from`, and forwards() holds one
  // serialized Frame{envelope} per unit the report goes to (none for a
  // resend); both stay valid until the next call. Throws std::runtime_error
  // for a frame the runtime would reject: the benchmark sends none, so one is
  // a bug.
  void handle(std::string_view from, std::string_view payload);
  const std::string& ack() const { return ack_payload_; }
  std::span<const std::string> forwards() const { return {forwards_.data(), forward_count_}; }

 private:
  struct Route {
    std::string area;
    std::string unit;
    std::string handoff;  // "broker->unit.x"
  };
  static constexpr size_t kArenaBlockBytes = 16 * 1024;  // Room for any inbound frame.

  void trace(TraceEvent event);
  void forward(const Route& route, v1::Frame& frame, int priority, double now_h);

  const BrokerSpec spec_;  // The scenario defaults: window, boost, deadline.
  const std::string cipher_handoff_;
  std::vector<Route> routes_;
  std::set<std::string, std::less<>> known_nodes_;
  JsonlTraceWriter trace_writer_;
  SecretKey centre_key_;
  Correlator correlator_;
  std::unordered_set<std::string> received_ids_;
  std::map<std::string, uint64_t> next_sequence_by_peer_;
  // The parsed inbound frame lives on arena_, reset for every message, so
  // parsing and dropping it cost no heap traffic (arena_block_ is reused).
  std::array<char, kArenaBlockBytes> arena_block_;
  google::protobuf::Arena arena_;
  // Reused across messages, so their buffers are too.
  std::string inbound_id_;
  v1::Frame ack_frame_;
  std::string ack_payload_;
  std::vector<std::string> forwards_;
  size_t forward_count_ = 0;
};

}  // namespace tearline::bench
