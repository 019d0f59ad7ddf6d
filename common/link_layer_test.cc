#include "common/link_layer.h"

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

// Records every frame offered to it and the scenario hour it was offered at;
// refuses frames (as a peer at its high-water mark would) while `accepting`
// is false.
class FakeTransmitter final : public Transmitter {
 public:
  struct Transmission {
    std::string peer;
    v1::Frame frame;
    double at_h = 0;
  };

  bool transmit(const std::string& peer, const v1::Frame& frame) override {
    ++offered;
    if (!accepting) return false;
    sent.push_back({peer, frame, now_h});
    return true;
  }

  bool accepting = true;
  double now_h = 0;  // Set by the test before each LinkLayer::advance().
  int offered = 0;
  std::vector<Transmission> sent;
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

// A link layer of kSender over a scenario, a fake transmitter and the trace.
class LinkLayerTest : public ::testing::Test {
 protected:
  void make(Scenario scenario, uint64_t seed = 7) {
    scenario_ = std::move(scenario);
    random_.emplace(seed);
    links_.emplace(kSender, scenario_, *random_, transmitter_,
                   [this](TraceEvent event) { events_.push_back(std::move(event)); });
  }

  void advance(double now_h) {
    transmitter_.now_h = now_h;
    links_->advance(now_h);
  }

  // Advances from wake-up to wake-up until nothing is due up to end_h.
  void run_until(double end_h) {
    for (int steps = 0; steps < 10'000; ++steps) {
      const std::optional<double> next_h = links_->next_wake_h();
      if (!next_h || *next_h > end_h) break;
      advance(*next_h);
    }
    advance(end_h);
  }

  std::vector<const TraceEvent*> events_of(std::string_view kind) const {
    std::vector<const TraceEvent*> found;
    for (const TraceEvent& event : events_) {
      if (event.kind == kind) found.push_back(&event);
    }
    return found;
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

TEST_F(LinkLayerTest, TracesSentAndTransmitsOnlyOnceTheDelayHasPassed) {
  make(links_scenario(fixed_delay(2)));
  links_->send(kPartner, envelope("m1"), 10, SendOptions{});

  ASSERT_EQ(kinds(), (std::vector<std::string>{"sent"}));
  const TraceEvent& sent = events_[0];
  EXPECT_EQ(sent.msg, "m1");
  EXPECT_EQ(sent.trace, "trace-1");
  EXPECT_EQ(sent.peer, kPartner);
  EXPECT_EQ(sent.handoff, kHandoff);
  EXPECT_EQ(sent.attempt, 1u);
  EXPECT_EQ(sent.t_h, 10.0);
  EXPECT_EQ(sent.area, "manchester");
  EXPECT_TRUE(transmitter_.sent.empty());
  EXPECT_EQ(links_->next_wake_h(), 12.0);

  advance(11.999);
  EXPECT_TRUE(transmitter_.sent.empty());

  advance(12);
  ASSERT_EQ(transmitter_.sent.size(), 1u);
  const FakeTransmitter::Transmission& transmission = transmitter_.sent[0];
  EXPECT_EQ(transmission.peer, kPartner);
  EXPECT_EQ(transmission.frame.version(), 1u);
  ASSERT_TRUE(transmission.frame.has_envelope());
  const v1::Envelope& wire = transmission.frame.envelope();
  EXPECT_EQ(wire.message_id(), "m1");
  EXPECT_EQ(wire.trace_id(), "trace-1");
  EXPECT_EQ(wire.sender(), kSender);
  EXPECT_EQ(wire.sequence(), 1u);
  EXPECT_EQ(wire.attempt(), 1u);
  EXPECT_EQ(wire.sent_at_h(), 10.0);
  EXPECT_EQ(wire.deadline_h(), 0.0);
  EXPECT_EQ(wire.handoff(), kHandoff);
  EXPECT_EQ(wire.report().subject(), "subject-1");
  // Awaiting its acknowledgement, with nothing more to do until then.
  EXPECT_EQ(links_->pending_msgs(), 1u);
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);
}

TEST_F(LinkLayerTest, DrawnDelayLiesWithinTheDistribution) {
  DelayModel delay;
  delay.fixed_h = 1;
  delay.distribution = DelayModel::Distribution::kUniform;
  delay.min_h = 2;
  delay.max_h = 5;
  make(links_scenario(delay));
  links_->send(kPartner, envelope("m1"), 100, SendOptions{});
  const std::optional<double> due_h = links_->next_wake_h();
  ASSERT_TRUE(due_h.has_value());
  EXPECT_GE(*due_h, 103.0);
  EXPECT_LT(*due_h, 106.0);

  advance(*due_h - 1e-6);
  EXPECT_TRUE(transmitter_.sent.empty());
  advance(*due_h);
  EXPECT_EQ(transmitter_.sent.size(), 1u);
}

TEST_F(LinkLayerTest, LossWithoutResendIsTerminalWithTheLinksReason) {
  LossModel loss;
  loss.probability = 1;
  loss.reason = "link-loss:cable-cut";
  make(links_scenario(fixed_delay(1), loss));
  links_->send(kPartner, envelope("m1"), 5, SendOptions{});

  ASSERT_EQ(kinds(), (std::vector<std::string>{"sent", "lost"}));
  EXPECT_EQ(events_[1].msg, "m1");
  EXPECT_EQ(events_[1].reason, "link-loss:cable-cut");
  EXPECT_EQ(events_[1].t_h, 5.0);
  EXPECT_EQ(events_[1].peer, kPartner);
  EXPECT_EQ(links_->pending_msgs(), 0u);
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);

  run_until(1000);
  EXPECT_EQ(transmitter_.offered, 0);
  EXPECT_EQ(kinds().size(), 2u);
}

TEST_F(LinkLayerTest, LostAttemptIsResentWithTheNextAttemptNumberAfterTheInterval) {
  LossModel loss;
  loss.probability = 1;
  make(links_scenario(fixed_delay(1), loss));
  links_->send(kPartner, envelope("m1"), 0, tracked(100));

  ASSERT_EQ(kinds(), (std::vector<std::string>{"sent", "attempt_lost"}));
  EXPECT_EQ(events_[1].attempt, 1u);
  EXPECT_EQ(events_[1].reason, "link-loss");
  EXPECT_EQ(links_->pending_msgs(), 1u);
  EXPECT_EQ(links_->next_wake_h(), kResendIntervalH);

  advance(kResendIntervalH - 0.001);
  EXPECT_EQ(kinds().size(), 2u);

  advance(kResendIntervalH);
  ASSERT_EQ(kinds(), (std::vector<std::string>{"sent", "attempt_lost", "resent", "attempt_lost"}));
  EXPECT_EQ(events_[2].attempt, 2u);
  EXPECT_EQ(events_[2].t_h, kResendIntervalH);
  EXPECT_EQ(events_[3].attempt, 2u);
  EXPECT_EQ(transmitter_.offered, 0);
}

TEST_F(LinkLayerTest, ResendDeliversWhenALaterAttemptGetsThrough) {
  // With half the attempts lost, find a message whose first attempt is lost
  // and whose second is not: the resend then reaches the peer.
  LossModel loss;
  loss.probability = 0.5;
  bool found = false;
  for (int i = 0; i < 64 && !found; ++i) {
    events_.clear();
    transmitter_.sent.clear();
    make(links_scenario(fixed_delay(1), loss));
    const std::string id = numbered_id(i);
    links_->send(kPartner, envelope(id), 0, tracked(100));
    if (kinds().back() != "attempt_lost") continue;
    advance(kResendIntervalH);
    if (kinds().back() != "resent") continue;
    found = true;

    EXPECT_TRUE(transmitter_.sent.empty());
    advance(kResendIntervalH + 1);
    ASSERT_EQ(transmitter_.sent.size(), 1u);
    const v1::Envelope& wire = transmitter_.sent[0].frame.envelope();
    EXPECT_EQ(wire.message_id(), id);
    EXPECT_EQ(wire.attempt(), 2u);
    EXPECT_EQ(wire.sequence(), 1u);  // A resend keeps its sequence number.
    EXPECT_EQ(wire.deadline_h(), 100.0);

    links_->on_ack(ack_of(wire), kResendIntervalH + 1);
    EXPECT_EQ(kinds().back(), "acked");
    EXPECT_EQ(links_->pending_msgs(), 0u);
  }
  EXPECT_TRUE(found) << "no message id among 64 lost its first attempt only";
}

TEST_F(LinkLayerTest, AckRemovesThePendingMessageAndTracesAcked) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("m1"), 0, tracked(100));
  advance(1);
  ASSERT_EQ(transmitter_.sent.size(), 1u);

  links_->on_ack(ack_of(transmitter_.sent[0].frame.envelope()), 1.5);
  ASSERT_EQ(kinds(), (std::vector<std::string>{"sent", "acked"}));
  EXPECT_EQ(events_[1].msg, "m1");
  EXPECT_EQ(events_[1].t_h, 1.5);
  EXPECT_EQ(events_[1].peer, kPartner);
  EXPECT_EQ(links_->pending_msgs(), 0u);
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);

  // A second ack (of a resend that crossed the first) changes nothing.
  links_->on_ack(ack_of(transmitter_.sent[0].frame.envelope()), 2);
  EXPECT_EQ(kinds().size(), 2u);

  // Nothing is resent once acknowledged.
  run_until(1000);
  EXPECT_EQ(transmitter_.sent.size(), 1u);
}

TEST_F(LinkLayerTest, UnacknowledgedIsResentUntilTheDeadlineThenLost) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("m1"), 0, tracked(24));
  run_until(1000);

  // Attempts at 0, 6, 12, 18, each transmitted an hour later; none acked.
  ASSERT_EQ(transmitter_.sent.size(), 4u);
  for (size_t i = 0; i < transmitter_.sent.size(); ++i) {
    EXPECT_EQ(transmitter_.sent[i].frame.envelope().attempt(), i + 1);
    EXPECT_EQ(transmitter_.sent[i].at_h, 1 + kResendIntervalH * static_cast<double>(i));
  }
  EXPECT_EQ(kinds(), (std::vector<std::string>{"sent", "resent", "resent", "resent", "lost"}));
  const TraceEvent& lost = events_.back();
  EXPECT_EQ(lost.reason, "deadline:unacknowledged");
  EXPECT_EQ(lost.t_h, 24.0);
  EXPECT_EQ(lost.attempt, 4u);
  EXPECT_EQ(links_->pending_msgs(), 0u);
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);
}

TEST_F(LinkLayerTest, NoResendStartsAtOrAfterTheDeadline) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("m1"), 0, tracked(20));
  run_until(1000);
  for (const TraceEvent* resent : events_of("resent")) EXPECT_LT(resent->t_h, 20.0);
  const auto lost = events_of("lost");
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0]->reason, "deadline:unacknowledged");
  EXPECT_GE(lost[0]->t_h, 20.0);
  EXPECT_LE(lost[0]->t_h, 20.0 + kResendIntervalH);
}

TEST_F(LinkLayerTest, RefusedTransmissionIsRetriedLaterWithoutANewAttempt) {
  make(links_scenario(fixed_delay(1)));
  transmitter_.accepting = false;
  links_->send(kPartner, envelope("m1"), 0, SendOptions{});
  advance(1);
  EXPECT_EQ(transmitter_.offered, 1);
  EXPECT_TRUE(transmitter_.sent.empty());
  EXPECT_EQ(links_->pending_msgs(), 1u);
  const std::optional<double> retry_h = links_->next_wake_h();
  ASSERT_TRUE(retry_h.has_value());
  EXPECT_GT(*retry_h, 1.0);

  transmitter_.accepting = true;
  advance(*retry_h);
  ASSERT_EQ(transmitter_.sent.size(), 1u);
  EXPECT_EQ(transmitter_.sent[0].frame.envelope().attempt(), 1u);
  EXPECT_EQ(transmitter_.sent[0].at_h, *retry_h);
  EXPECT_EQ(kinds(), (std::vector<std::string>{"sent"}));
}

TEST_F(LinkLayerTest, TrackedMessageToAPeerThatRefusesEverythingIsLostAtItsDeadline) {
  make(links_scenario(fixed_delay(1)));
  transmitter_.accepting = false;
  links_->send(kPartner, envelope("m1"), 0, tracked(24));
  run_until(200);

  EXPECT_GT(transmitter_.offered, 1);
  EXPECT_TRUE(transmitter_.sent.empty());
  // A refused frame never left: retrying it is not a new attempt.
  EXPECT_TRUE(events_of("resent").empty());
  const auto lost = events_of("lost");
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0]->reason, "deadline:unacknowledged");
  EXPECT_GE(lost[0]->t_h, 24.0);
  EXPECT_LE(lost[0]->t_h, 24.0 + kResendIntervalH);
  EXPECT_EQ(links_->pending_msgs(), 0u);
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);
}

TEST_F(LinkLayerTest, TrackedMessageRefusedForAWhileGoesOutOnceThePeerAcceptsAgain) {
  make(links_scenario(fixed_delay(1)));
  transmitter_.accepting = false;
  links_->send(kPartner, envelope("m1"), 0, tracked(24));
  run_until(10);
  EXPECT_TRUE(transmitter_.sent.empty());

  transmitter_.accepting = true;
  run_until(11);
  ASSERT_EQ(transmitter_.sent.size(), 1u);
  EXPECT_EQ(transmitter_.sent[0].frame.envelope().attempt(), 1u);
  links_->on_ack(ack_of(transmitter_.sent[0].frame.envelope()), 11);
  run_until(200);
  EXPECT_TRUE(events_of("lost").empty());
  EXPECT_EQ(kinds(), (std::vector<std::string>{"sent", "acked"}));
}

TEST_F(LinkLayerTest, RecordInFlightReportsEachPendingMessageOnceWithWhereItWaits) {
  make(links_scenario(fixed_delay(1)));
  links_->send(kPartner, envelope("in-transit"), 10, SendOptions{});
  links_->send(kPartner, envelope("unacked"), 0, SendOptions{});
  links_->send(kPartner, envelope("acked"), 0, SendOptions{});
  advance(1);
  ASSERT_EQ(transmitter_.sent.size(), 2u);
  for (const auto& transmission : transmitter_.sent) {
    if (transmission.frame.envelope().message_id() == "acked") {
      links_->on_ack(ack_of(transmission.frame.envelope()), 1);
    }
  }
  ASSERT_EQ(events_of("acked").size(), 1u);
  events_.clear();

  links_->record_in_flight(5);
  std::map<std::string, std::string> reason_by_msg;
  for (const TraceEvent& event : events_) {
    EXPECT_EQ(event.kind, "in_flight");
    EXPECT_EQ(event.t_h, 5.0);
    EXPECT_FALSE(event.reason.empty());
    EXPECT_TRUE(reason_by_msg.emplace(event.msg, event.reason).second) << event.msg << " twice";
  }
  EXPECT_EQ(reason_by_msg,
            (std::map<std::string, std::string>{{"in-transit", "in transit"},
                                                {"unacked", "awaiting acknowledgement"}}));
  // Recording changes nothing: the messages are still held.
  EXPECT_EQ(links_->pending_msgs(), 2u);
}

TEST_F(LinkLayerTest, NextWakeIsTheEarliestTransmissionOrResend) {
  make(links_scenario(fixed_delay(3)));
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);
  links_->send(kPartner, envelope("later"), 5, SendOptions{});
  EXPECT_EQ(links_->next_wake_h(), 8.0);
  links_->send(kPartner, envelope("sooner"), 4, SendOptions{});
  EXPECT_EQ(links_->next_wake_h(), 7.0);
  advance(8);
  EXPECT_EQ(links_->next_wake_h(), std::nullopt);

  // A tracked message wakes the link at its resend time once transmitted.
  links_->send(kPartner, envelope("tracked"), 10, tracked(100));
  EXPECT_EQ(links_->next_wake_h(), 13.0);
  advance(13);
  EXPECT_EQ(links_->next_wake_h(), 10 + kResendIntervalH);
}

TEST_F(LinkLayerTest, SequenceNumbersCountFromOnePerPeer) {
  make(links_scenario(fixed_delay(0)));
  for (const char* peer : {kPartner, kOther, kPartner, kPartner, kOther}) {
    links_->send(peer, envelope(numbered_id(transmitter_.offered)), 0, SendOptions{});
    advance(0);
  }
  std::map<std::string, std::vector<uint64_t>> sequences_by_peer;
  for (const auto& transmission : transmitter_.sent) {
    sequences_by_peer[transmission.peer].push_back(transmission.frame.envelope().sequence());
  }
  EXPECT_EQ(sequences_by_peer, (std::map<std::string, std::vector<uint64_t>>{
                                   {kOther, {1, 2}}, {kPartner, {1, 2, 3}}}));
}

// Transmission hour of each of 20 messages sent at hour 0 over an
// exponentially delayed link, for a seed.
std::map<std::string, double> transmission_hours(uint64_t seed) {
  DelayModel delay;
  delay.distribution = DelayModel::Distribution::kExponential;
  delay.mean_h = 5;
  const Scenario scenario = links_scenario(delay);
  const Random random(seed);
  FakeTransmitter transmitter;
  LinkLayer links(kSender, scenario, random, transmitter, [](TraceEvent) {});
  for (int i = 0; i < 20; ++i) {
    links.send(kPartner, envelope(numbered_id(i)), 0, SendOptions{});
  }
  for (std::optional<double> next_h = links.next_wake_h(); next_h; next_h = links.next_wake_h()) {
    transmitter.now_h = *next_h;
    links.advance(*next_h);
  }
  std::map<std::string, double> hours;
  for (const auto& transmission : transmitter.sent) {
    hours[transmission.frame.envelope().message_id()] = transmission.at_h;
  }
  return hours;
}

TEST(LinkLayerDeterminismTest, SameSeedGivesTheSameDelays) {
  const std::map<std::string, double> first = transmission_hours(99);
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(transmission_hours(99), first);
  EXPECT_NE(transmission_hours(100), first);
}

}  // namespace
}  // namespace tearline
