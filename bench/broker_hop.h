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
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/correlator.h"
#include "security/pseudonym.h"
#include "scenario/scenario.h"
#include "trace/trace.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {

// The message ids a node has received, to drop resends, as the runtime's
// set of them: exact, and never forgetting. An open-addressing table of
// (hash, id) with the ids copied one after another into large blocks, so a
// new id costs no allocation and touches one slot of the table.
class ReceivedIds {
 public:
  explicit ReceivedIds(size_t expected_ids);

  static uint64_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }
  // Starts loading the slot of an id with this hash, to insert it shortly.
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  // Records `id` (of hash(id)); false if it was recorded already.
  bool insert(std::string_view id, uint64_t hash);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    const char* id = nullptr;  // Null: empty.
    size_t size = 0;
  };
  static constexpr size_t kBlockBytes = 1 << 20;

  const char* store(std::string_view id);
  void grow();

  std::vector<Slot> slots_;  // A power of two, at most half full.
  size_t mask_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* block_free_ = nullptr;
  size_t block_left_ = 0;
};

class BrokerHop {
 public:
  // Traces to a new JsonlTraceWriter on `trace_path`; `expected_msgs` sizes
  // the table of received message ids.
  BrokerHop(const std::string& trace_path, const SecretKey& centre_key, size_t expected_msgs);

  // Handles one data frame from node `from`. Afterwards ack() is the
  // serialized Frame{ack} to return to `from`, and forwards() holds one
  // serialized Frame{envelope} per unit the report goes to (none for a
  // resend); both stay valid until the next call. Throws std::runtime_error
  // for a frame the runtime would reject: the benchmark sends none, so one is
  // a bug.
  void handle(std::string_view from, std::string_view payload);
  const std::string& ack() const { return ack_payload_; }
  std::span<const std::string> forwards() const { return {forwards_.data(), forward_count_}; }

  // Flushes the trace and makes it durable; returns its size in bytes (as a
  // journaled node does before each commit).
  uint64_t sync_trace() { return trace_writer_.sync(); }

  // Reports correlated with another agency's so far ("correlated" traced).
  uint64_t correlated() const { return correlated_; }

 private:
  struct Route {
    std::string area;
    std::string unit;
    std::string handoff;      // "broker->unit.x"
    uint64_t* next_sequence;  // Of the link to unit, in next_sequence_by_peer_.
  };
  static constexpr size_t kArenaBlockBytes = 16 * 1024;  // Room for any inbound frame.
  // Distinct sealed sources whose pseudonyms the centre remembers, as the
  // broker role does.
  static constexpr size_t kPseudonymCacheEntries = 4096;

  // event_, filled for `kind` of `report` (the inbound message's); the
  // fields only some kinds carry are reset, so nothing of the previous event
  // remains.
  TraceEvent& event(std::string_view kind, const v1::ThreatReport& report,
                    std::string_view handoff);
  // event_ for another event about the report of the previous one: its
  // report fields stay as they are (the caller refreshes those that changed
  // since), the rest is as event() sets it.
  TraceEvent& next_event(std::string_view kind, std::string_view handoff);
  void trace();
  void forward(const Route& route, v1::Frame& frame, int priority);

  const BrokerSpec spec_;  // The scenario defaults: window, boost, deadline.
  const std::string cipher_handoff_;
  std::vector<Route> routes_;
  std::set<std::string, std::less<>> known_nodes_;
  JsonlTraceWriter trace_writer_;
  PseudonymCache pseudonyms_;
  Correlator correlator_;
  ReceivedIds received_ids_;
  std::map<std::string, uint64_t> next_sequence_by_peer_;
  // The parsed inbound frame lives on arena_, reset for every message, so
  // parsing and dropping it cost little heap traffic (arena_block_ is
  // reused; only string contents longer than 15 bytes are allocated). A
  // frame reused without an arena would not do better: clearing a proto3
  // message deletes its sub-messages.
  std::array<char, kArenaBlockBytes> arena_block_;
  google::protobuf::Arena arena_;
  // Reused across messages, so their buffers are too.
  std::string inbound_id_;
  std::string outbound_id_;
  double now_h_ = 0;  // The hop's scenario clock.
  TraceEvent event_;
  v1::Frame ack_frame_;
  std::string ack_payload_;
  std::vector<std::string> forwards_;
  size_t forward_count_ = 0;
  uint64_t correlated_ = 0;
};

}  // namespace tearline::bench
