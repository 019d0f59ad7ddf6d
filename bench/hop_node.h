// The coordination centre as the node process hosts it, without its sockets:
// the real NodeCore around the real BrokerRole, tracing to a JSON Lines
// file, and, for a durable centre, the real NodeJournal. Driven as the
// runtime drives it (runtime/node_runtime.h): each frame taken in (and
// journaled as it comes), then a window of scenario time run over them,
// then the window made durable (the journal committed, or the trace
// flushed), and only then the window's frames handed out.
//
// The benchmark plays the launcher: it grants each window up to
// kWindowTailH after the last frame taken in (bench/hop_traffic.h).
//
// Thread-safety: none; owned by the benchmark's hop thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/hop_traffic.h"
#include "durability/node_journal.h"
#include "node/node_core.h"
#include "security/pseudonym.h"
#include "security/report_signature.h"
#include "trace/trace.h"

namespace tearline::bench {

// A frame of the centre's window, serialized: an acknowledgement goes back
// to its sender, everything else goes on.
struct OutboundFrame {
  std::string peer;
  bool ack = false;
  std::string bytes;
};

class HopNode final : public FrameSink {
 public:
  // The centre of `traffic` (which must outlive it), tracing to
  // <dir>/broker.trace.jsonl and, with `journal`, journaling to
  // <dir>/broker.journal; started at hour 0.
  HopNode(const HopTraffic& traffic, const std::filesystem::path& dir, bool journal);

  // Takes in a serialized frame from node `from`. Throws std::runtime_error
  // if the core rejects it: the traffic holds none it should, so one is a bug.
  void take(const std::string& from, std::string_view payload);
  // Runs the window up to kWindowTailH after the last frame taken in and
  // makes it durable. Returns its frames, valid until the next call.
  const std::vector<OutboundFrame>& run_window();

  const std::filesystem::path& journal_path() const { return journal_path_; }
  // The journal's length so far (what a standby must hold); 0 without one.
  uint64_t journal_bytes() const { return journal_ ? journal_->written_bytes() : 0; }

  // FrameSink.
  void deliver(const std::string& peer, const v1::Frame& frame) override;

 private:
  const std::filesystem::path journal_path_;
  const std::string trace_path_;
  JsonlTraceWriter trace_;
  OriginVerifier origins_;
  ReportSigner signer_;
  SecretKey pseudonym_key_;
  NodeCore core_;
  std::optional<NodeJournal> journal_;
  v1::Frame frame_;  // Reused for each frame taken in.
  v1::Grant grant_;
  double last_arrival_h_ = 0;
  std::vector<OutboundFrame> outbox_;
};

}  // namespace tearline::bench
