// The threads of the broker hop benchmark that run the real centre
// (bench/hop_round.h): the hop thread around a HopNode, and the standby
// that keeps a copy of its journal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <latch>
#include <string>
#include <zmq.hpp>

#include "bench/hop_sockets.h"
#include "bench/hop_traffic.h"

namespace tearline::bench {

struct HopThreadResult {
  double cpu_s = 0;  // Of this thread, from the first receive.
  uint64_t windows = 0;
};

// The hop thread: the centre of `traffic` in `dir`, with a journal when
// `journal`, streamed to the standby at endpoints.standby when `replicated`;
// takes traffic.frames.size() frames. `curve`: null for plain sockets.
HopThreadResult run_centre_hop(bool journal, bool replicated, zmq::context_t& context,
                               const HopEndpoints& endpoints, const HopTraffic& traffic,
                               const std::filesystem::path& dir, const CurveKeys* curve,
                               std::latch& ready);

// The standby: writes each chunk to its copy at copy_path, syncs and
// acknowledges, until an empty message ends the round.
void run_standby(zmq::context_t& context, const HopEndpoints& endpoints,
                 const std::filesystem::path& copy_path, const CurveKeys* curve, std::latch& ready);

}  // namespace tearline::bench
