#include "bench/hop_node.h"

#include <spdlog/sinks/null_sink.h>

#include <algorithm>
#include <stdexcept>

#include "base/invariant.h"
#include "broker/broker.h"

namespace tearline::bench {

HopNode::HopNode(const HopTraffic& traffic, const std::filesystem::path& dir, bool journal)
    : journal_path_(journal ? dir / "broker.journal" : std::filesystem::path()),
      trace_path_((dir / "broker.trace.jsonl").string()),
      trace_(trace_path_),
      origins_(traffic.signing_keys),
      signer_(kCentreNode, random_signing_seed()),
      pseudonym_key_(random_secret_key()),
      core_(
          {kCentreNode, "coordinated", 1}, traffic.scenario,
          [&](const Random& random) {
            return std::make_unique<BrokerRole>(traffic.scenario, random, pseudonym_key_, signer_);
          },
          trace_, *this, origins_,
          std::make_shared<spdlog::logger>("bench",
                                           std::make_shared<spdlog::sinks::null_sink_st>())) {
  v1::Start start;
  start.set_begin_h(0);
  start.set_incarnation(1);
  start.set_end_h(traffic.scenario.duration_h);
  if (journal) {
    journal_.emplace(journal_path_.string(), NodeIdentity{kCentreNode, "coordinated", 1},
                     kCentreNode);
    journal_->start(core_, trace_, trace_path_, start, "launcher");
  } else {
    core_.start(start.begin_h(), start.incarnation(), start.end_h(), "launcher");
  }
}

void HopNode::take(const std::string& from, std::string_view payload) {
  if (!frame_.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    throw std::runtime_error("an unreadable frame");
  }
  if (!core_.take_frame(from, frame_)) throw std::runtime_error("a frame rejected by the centre");
  if (journal_) journal_->record_frame(from, frame_);
  last_arrival_h_ = std::max(last_arrival_h_, frame_.arrival_h());
}

const std::vector<OutboundFrame>& HopNode::run_window() {
  outbox_.clear();
  grant_.set_round(grant_.round() + 1);
  grant_.set_until_h(last_arrival_h_ + kWindowTailH);
  if (journal_) journal_->record_window(grant_);
  const v1::RoundReport report = core_.run_window(grant_);
  TEARLINE_ASSERT(report.reached_h() >= grant_.until_h());
  // What this window did is durable before anything it sent can be seen.
  if (journal_) {
    journal_->commit(trace_);
  } else {
    trace_.flush();
  }
  return outbox_;
}

void HopNode::deliver(const std::string& peer, const v1::Frame& frame) {
  outbox_.push_back({peer, frame.has_ack(), frame.SerializeAsString()});
}

}  // namespace tearline::bench
