// NodeCore as its callers see it: a poll goes through the link layer, so a
// fault on the link (delay, loss) applies to it as to an envelope.
#include "node/node_core.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "node/node_test_support.h"

namespace tearline {
namespace {

using test_support::kAgency;
using test_support::kUnit;
using test_support::small_scenario;

constexpr double kPollAtH = 2;

// A unit that polls its agency once, at kPollAtH, and does nothing else.
class OnePollRole final : public Role {
 public:
  void begin_at(double) override {}
  void advance(NodeContext& context, double now_h) override {
    if (polled_ || now_h < kPollAtH) return;
    polled_ = true;
    v1::PollRequest poll;
    poll.set_unit(kUnit);
    poll.set_area("north");
    poll.set_at_h(kPollAtH);
    context.send_poll(kAgency, poll);
  }
  std::optional<double> next_wake_h() const override {
    return polled_ ? std::nullopt : std::optional<double>(kPollAtH);
  }
  void on_envelope(NodeContext&, const v1::Envelope&, double) override {}
  void record_in_flight(NodeContext&, double) override {}
  void fill_status(v1::NodeStatus*) const override {}
  Desk* desk_named(const std::string&) override { return nullptr; }

 private:
  bool polled_ = false;
};

// unit.north's core, with OnePollRole, started at hour 0.
class PollingUnit {
 public:
  PollingUnit()
      : core_(
            {kUnit, "bilateral", 7}, small_scenario(),
            [](const Random&) { return std::make_unique<OnePollRole>(); }, trace_, frames_,
            origins_, test_support::null_logger()) {
    core_.start(0, 1, small_scenario().duration_h, "launcher");
  }

  void fault_link(const std::function<void(v1::SetLink*)>& set) {
    v1::ControlRequest request;
    request.mutable_link()->set_peer(kAgency);
    set(request.mutable_link());
    std::string error;
    ASSERT_TRUE(core_.apply_fault(request, "launcher", &error)) << error;
  }

  v1::RoundReport run_until(double until_h) {
    v1::Grant grant;
    grant.set_round(1);
    grant.set_until_h(until_h);
    return core_.run_window(grant);
  }

  MemoryTraceSink trace_;
  test_support::KeptFrames frames_;
  OriginVerifier origins_;
  NodeCore core_;
};

// The hour the poll reaches the agency with no fault on the link.
double unfaulted_arrival_h() {
  PollingUnit plain;
  plain.run_until(kPollAtH + 1);
  EXPECT_EQ(plain.frames_.frames.size(), 1u);
  return plain.frames_.frames.at(0).second.arrival_h();
}

TEST(NodeCoreTest, PollIsDelayedByALinkFault) {
  const double plain_arrival_h = unfaulted_arrival_h();
  EXPECT_GT(plain_arrival_h, kPollAtH);
  PollingUnit unit;
  unit.fault_link([](v1::SetLink* link) { link->set_delay_h(30); });

  const v1::RoundReport report = unit.run_until(kPollAtH + 1);

  ASSERT_EQ(unit.frames_.frames.size(), 1u);
  const auto& [peer, frame] = unit.frames_.frames[0];
  EXPECT_EQ(peer, kAgency);
  ASSERT_TRUE(frame.has_poll());
  EXPECT_DOUBLE_EQ(frame.arrival_h(), plain_arrival_h + 30);
  // The time authority learns the later arrival, so the agency may run on.
  ASSERT_EQ(report.sent_size(), 1);
  EXPECT_DOUBLE_EQ(report.sent(0).min_arrival_h(), plain_arrival_h + 30);
}

TEST(NodeCoreTest, PollIsLostByALinkFaultLikeOneToAPartitionedPeer) {
  PollingUnit unit;
  unit.fault_link([](v1::SetLink* link) { link->set_loss_probability(1); });
  const size_t events_before = unit.trace_.events.size();

  const v1::RoundReport report = unit.run_until(kPollAtH + 1);

  // Never sent, so no frame to count. A poll is not an accounted message:
  // as to a partitioned or dead peer, its loss is not traced (the unit polls
  // again at its next hour), and no message gets a fate from it.
  EXPECT_TRUE(unit.frames_.frames.empty());
  EXPECT_EQ(report.sent_size(), 0);
  EXPECT_EQ(unit.trace_.events.size(), events_before);
  EXPECT_GE(report.reached_h(), kPollAtH + 1);
}

}  // namespace
}  // namespace tearline
