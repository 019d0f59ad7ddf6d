#include "node/link_layer.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tearline {
namespace {

constexpr char kSender[] = "agency.us";
constexpr char kPartner[] = "agency.uk";
constexpr char kOther[] = "agency.fr";
constexpr char kHandoff[] = "agency.us->agency.uk";
constexpr double kResendIntervalH = 6;

// Records every frame put on the wire.
class FakeTransmitter final : public Transmitter {
 public:
  void transmit(const std::string& peer, const v1::Frame& frame) override {
    sent.push_back({peer, frame});
  }
  std::vector<std::pair<std::string, v1::Frame>> sent;
};

DelayModel fixed_delay(double delay_h) {
  DelayModel delay;
  delay.fixed_h = delay_h;
  return delay;
}

LinkSpec link(const std::string& from, const std::string& to, DelayModel delay,
              LossModel loss = {}) {
  return LinkSpec{from, to, std::move(delay), std::move(loss)};
}

// A scenario with nothing but links: the link layer reads only those and the
// broker's resend interval.
Scenario links_scenario(DelayModel delay, LossModel loss = {}) {
  Scenario scenario;
  scenario.name = "links";
  scenario.duration_h = 1000;
  scenario.broker.resend_interval_h = kResendIntervalH;
  scenario.links.push_back(link(kSender, kPartner, std::move(delay), std::move(loss)));
  scenario.link_default = link("", "", fixed_delay(0));
  return scenario;
}

v1::Envelope envelope(const std::string& message_id, const std::string& trace_id = "trace-1") {
  v1::Envelope result;
  result.set_message_id(message_id);
  v1::ThreatReport* report = result.mutable_report();
  report->set_report_id(message_id);
  report->set_trace_id(trace_id);
  report->set_origin_agency(kSender);
  report->mutable_source()->set_agency(kSender);
  report->set_subject("subject-1");
  report->set_area("manchester");
  report->set_severity(v1::SEVERITY_HIGH);
  report->set_tlp(v1::TLP_AMBER);
  return result;
}

// "m<n>". (Appending rather than `"m" + std::to_string(n)` avoids a false
// -Wrestrict of g++ 12 at -O2.)
std::string numbered_id(int n) {
  std::string id = "m";
  id += std::to_string(n);
  return id;
}

SendOptions tracked(double deadline_h) {
  SendOptions options;
  options.resend = true;
  options.deadline_h = deadline_h;
  return options;
}

v1::Ack ack_of(const v1::Envelope& sent) {
  v1::Ack ack;
  ack.set_message_id(sent.message_id());
  ack.set_receiver(kPartner);
  ack.set_sequence(sent.sequence());
  return ack;
}

class LinkLayerTest : public ::testing::Test {
 protected:
  void make(Scenario scenario, uint64_t seed = 7) {
    scenario_ = std::move(scenario);
    random_.emplace(seed);
    links_.emplace(kSender, scenario_, *random_, transmitter_,
                   [this](TraceEvent event) { events_.push_back(std::move(event)); });
  }
  // Advances from due hour to due hour up to end_h.
  void run_until(double end_h) {
    for (int steps = 0; steps < 10'000; ++steps) {
      const std::optional<double> next_h = links_->next_wake_h();
      if (!next_h || *next_h > end_h) break;
      links_->advance(*next_h);
    }
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> found;
    for (const TraceEvent& event : events_) found.emplace_back(event.kind);
    return found;
  }

  Scenario scenario_;
  std::optional<Random> random_;
  FakeTransmitter transmitter_;
  std::vector<TraceEvent> events_;
  std::optional<LinkLayer> links_;
};

TEST_F(LinkLayerTest, StampsTheArrivalHourAndTransmitsAtOnce) {
  make(links_scenario(fixed_delay(3)));
  links_->send(kPartner, envelope("m1"), 10, SendOptions{});
  ASSERT_EQ(transmitter_.sent.size(), 1u);
  const v1::Frame& frame = transmitter_.sent[0].second;
  const v1::Envelope& wire = frame.envelope();
  EXPECT_EQ(transmitter_.sent[0].first, kPartner);
  EXPECT_DOUBLE_EQ(wire.sent_at_h(), 10);
  EXPECT_DOUBLE_EQ(frame.arrival_h(), 13);
  EXPECT_EQ(wire.handoff(), kHandoff);
  EXPECT_EQ(kinds(), std::vector<std::string>({"sent"}));
}

TEST_F(LinkLayerTest, TheSendFloorIsNeverLowered) {
  // A node held until 20 h whose own pause ended at 12 h: nothing leaves
  // before 20 h.
  make(links_scenario(fixed_delay(3)));
  links_->raise_send_floor_h(20);
  links_->raise_send_floor_h(12);
  links_->send(kPartner, envelope("m1"), 10, SendOptions{});
  ASSERT_EQ(transmitter_.sent.size(), 1u);
  EXPECT_DOUBLE_EQ(transmitter_.sent[0].second.envelope().sent_at_h(), 20);
  EXPECT_DOUBLE_EQ(transmitter_.sent[0].second.arrival_h(), 23);
}

TEST_F(LinkLayerTest, NoTransitIsShorterThanAScenarioMinute) {
  make(links_scenario(fixed_delay(0)));
  links_->send(kPartner, envelope("m1"), 10, SendOptions{});
  EXPECT_DOUBLE_EQ(transmitter_.sent[0].second.arrival_h(), 10 + kMinTransitH);
  EXPECT_DOUBLE_EQ(least_transit_h(scenario_, kSender, kPartner), kMinTransitH);
}

TEST_F(LinkLayerTest, LossWithoutResendIsTerminalWithTheLinksReason) {
  LossModel loss;
  loss.probability = 1;
  loss.reason = "link-loss";
  make(links_scenario(fixed_delay(1), loss));
  links_->send(kPartner, envelope("m1"), 0, SendOptions{});
  EXPECT_TRUE(transmitter_.sent.empty());
  EXPECT_EQ(kinds(), std::vector<std::string>({"sent", "lost"}));
  EXPECT_EQ(events_.back().reason, "link-loss");
  EXPECT_EQ(links_->pending_msgs(), 0u);
}

TEST_F(LinkLayerTest, AnAcknowledgedMessageIsNeitherResentNorLost) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("m1"), 0, tracked(40));
  links_->on_ack(kPartner, ack_of(transmitter_.sent[0].second.envelope()), 1.5);
  run_until(100);
  EXPECT_EQ(kinds(), std::vector<std::string>({"sent", "acked"}));
  EXPECT_EQ(transmitter_.sent.size(), 1u);
}

TEST_F(LinkLayerTest, AnAckFromAnotherNodeThanTheReceiverIsIgnored) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("m1"), 0, tracked(40));
  links_->on_ack("agency.other", ack_of(transmitter_.sent[0].second.envelope()), 1.5);
  EXPECT_EQ(kinds(), std::vector<std::string>({"sent"}));
  EXPECT_EQ(links_->pending_msgs(), 1u);
}

TEST_F(LinkLayerTest, UnacknowledgedIsResentUntilTheDeadlineThenLostAtIt) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("m1"), 0, tracked(20));
  run_until(100);
  // Attempts at 0, 6, 12 and 18; lost at exactly 20.
  ASSERT_EQ(transmitter_.sent.size(), 4u);
  for (size_t i = 0; i < transmitter_.sent.size(); ++i) {
    EXPECT_EQ(transmitter_.sent[i].second.envelope().attempt(), i + 1);
    EXPECT_DOUBLE_EQ(transmitter_.sent[i].second.envelope().sent_at_h(),
                     kResendIntervalH * static_cast<double>(i));
  }
  ASSERT_EQ(events_.back().kind, "lost");
  EXPECT_EQ(events_.back().reason, "deadline:unacknowledged");
  EXPECT_DOUBLE_EQ(events_.back().t_h, 20);
}

TEST_F(LinkLayerTest, WhatWouldReachADeadPeerIsLostWithItAndResentOnceItIsBack) {
  make(links_scenario(fixed_delay(3)));
  links_->send(kPartner, envelope("m1"), 0, tracked(40));
  links_->send(kPartner, envelope("m2"), 0, SendOptions{});
  links_->peer_down(kPartner, 2);  // Both would arrive at 3.
  EXPECT_EQ(kinds(), std::vector<std::string>({"sent", "sent", "attempt_lost", "lost"}));
  EXPECT_EQ(events_[2].reason, std::string("crash:") + kPartner);
  links_->peer_up(kPartner, 4);
  links_->advance(4);
  ASSERT_EQ(transmitter_.sent.size(), 3u);
  EXPECT_EQ(transmitter_.sent[2].second.envelope().message_id(), "m1");
  EXPECT_EQ(transmitter_.sent[2].second.envelope().attempt(), 2u);
  EXPECT_DOUBLE_EQ(transmitter_.sent[2].second.envelope().sent_at_h(), 4);
}

TEST_F(LinkLayerTest, TheSameSeedDrawsTheSameArrivalsWhateverTheSendOrder) {
  DelayModel delay = fixed_delay(1);
  delay.distribution = DelayModel::Distribution::kExponential;
  delay.mean_h = 2;
  make(links_scenario(delay));
  for (int i = 0; i < 20; ++i) links_->send(kPartner, envelope(numbered_id(i)), 0, SendOptions{});
  std::map<std::string, double> forward;
  for (const auto& [peer, frame] : transmitter_.sent) {
    forward[frame.envelope().message_id()] = frame.arrival_h();
  }
  transmitter_.sent.clear();
  make(links_scenario(delay));
  for (int i = 19; i >= 0; --i) links_->send(kPartner, envelope(numbered_id(i)), 0, SendOptions{});
  for (const auto& [peer, frame] : transmitter_.sent) {
    EXPECT_DOUBLE_EQ(forward.at(frame.envelope().message_id()), frame.arrival_h());
  }
}

}  // namespace
}  // namespace tearline
