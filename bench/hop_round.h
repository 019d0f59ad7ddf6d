// One round of the broker hop benchmark: N frames through one hop, in one
// process, three threads (four with a standby), each with its own sockets,
// over ipc:// in a temporary directory:
//
//   producer DEALER --> hop ROUTER | hop DEALER "broker" --> consumer ROUTER
//            <-- ack --
//
// The producer sends the pre-serialized frames and keeps at most
// kProducerWindowMsgs unacknowledged; the hop acknowledges each over its
// ROUTER and sends the copies on; the consumer counts them. Rate = N / (last
// receive at the consumer - first send).
//
// The hops (Variant):
//  - bare forward: a fixed pre-serialized ack, and the payload sent on
//    untouched as many times as the centre sends copies (the same ZeroMQ
//    traffic as the centre's);
//  - broker hop: the real centre (bench/hop_node.h), in windows: what has
//    come (at least one frame, at most kBatchMsgs) taken in, one window run
//    and its trace flushed, then its acks and copies sent;
//  - durable hop: the same with the centre's journal (docs/DURABILITY.md),
//    one commit (fdatasync) per window before anything leaves;
//  - replicated hop: the durable hop of a centre with a hot standby: after
//    each commit the new journal bytes stream (durability/journal_stream.h)
//    to a fourth thread, the standby, which writes and syncs its copy
//    (durability/journal_replica.h) and acknowledges; only then does the
//    window's output leave, as in the node process.
// Each with or without CURVE on every socket (a ZAP handler admitting the
// producer and the hop), as tearline's own sockets are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "bench/hop_traffic.h"

namespace tearline::bench {

enum class Variant { kBare, kBrokerHop, kDurableHop, kReplicatedHop };
inline constexpr Variant kVariants[] = {Variant::kBare, Variant::kBrokerHop, Variant::kDurableHop,
                                        Variant::kReplicatedHop};
const char* variant_name(Variant variant);

// The most frames the hop takes in per window.
inline constexpr size_t kBatchMsgs = 1000;

struct RoundResult {
  double wall_s = 0;
  double hop_cpu_s = 0;        // CPU time of the hop thread alone.
  double process_cpu_s = 0;    // Of every thread, ZeroMQ's included, setup included.
  double switches = 0;         // Context switches of the process, both kinds.
  uint64_t trace_bytes = 0;    // The centre's variants only.
  uint64_t journal_bytes = 0;  // Durable and replicated hops only.
  uint64_t windows = 0;        // The centre's variants only: one commit each when durable.
};

// Runs one round of `variant` over traffic.frames in `dir` (emptied
// afterwards). Throws std::runtime_error when a thread stalls or fails.
RoundResult run_round(Variant variant, bool curve, const HopTraffic& traffic,
                      const std::filesystem::path& dir);

}  // namespace tearline::bench
