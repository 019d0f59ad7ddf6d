#include "analysis/read/crash_losses.h"

#include <gtest/gtest.h>

#include "analysis/read/message_fates.h"
#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;

TEST(CrashLosses, AMessageHeldByANodeThatDiedIsLostThereWithTheCrashAsReason) {
  std::vector<Event> events = events_of({
      line("created", "m1", "source@agency.uk", 1, {{"node", "agency.uk"}}),
      line("queued", "m1", "desk@agency.uk", 1, {{"node", "agency.uk"}}),
      line("node_stopped", "", "", 5, {{"node", "agency.uk"}, {"reason", "signal:KILL"}}),
  });
  add_crash_losses(&events);
  const MessageIndex index(events);
  const Message* message = index.find("m1");
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->fate, Fate::kLost);
  EXPECT_EQ(message->end->reason, "crash:agency.uk");
  EXPECT_EQ(message->end->handoff, "desk@agency.uk");
  EXPECT_EQ(message->end->t_h, 5);
}

TEST(CrashLosses, AnAcknowledgedMessageIsHeldByItsReceiver) {
  std::vector<Event> events = events_of({
      line("created", "m1", "route@broker", 1, {{"node", "broker"}}),
      line("sent", "m1", "broker->unit.north", 1, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("acked", "m1", "broker->unit.north", 2, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("fault", "", "", 3, {{"node", "unit.north"}, {"fault", "crash"}}),
  });
  add_crash_losses(&events);
  const Message* message = MessageIndex(events).find("m1");
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->end->reason, "crash:unit.north");
  EXPECT_EQ(message->end->handoff, "broker->unit.north");
}

TEST(CrashLosses, AReceiverThatDiesBeforeItsAcknowledgementArrivesLosesTheMessage) {
  std::vector<Event> events = events_of({
      line("created", "m1", "route@broker", 1, {{"node", "broker"}}),
      line("sent", "m1", "broker->unit.north", 1, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("received", "m1", "broker->unit.north", 2, {{"node", "unit.north"}}),
      line("queued", "m1", "intake@unit.north", 2, {{"node", "unit.north"}}),
      // A resend arrives: acknowledged, not taken in twice. It stays in the intake.
      line("duplicate", "m1", "broker->unit.north", 2.2, {{"node", "unit.north"}}),
      line("node_stopped", "", "", 2.5, {{"node", "unit.north"}, {"reason", "signal:KILL"}}),
      // Sent back at 2 h, it reaches the broker after the unit died.
      line("acked", "m1", "broker->unit.north", 3, {{"node", "broker"}, {"peer", "unit.north"}}),
  });
  // The report: lost where the unit held it, in its intake, not on the link
  // it had come out of (a chaos run's handoff_balance anomalies).
  const json mode = testing::mode_json(events);
  for (const json& anomaly : mode["anomalies"])
    EXPECT_NE(anomaly["check"], "handoff_balance") << anomaly;
  ASSERT_EQ(mode["handoffs"].size(), 2u);
  EXPECT_EQ(mode["handoffs"][0]["name"], "broker->unit.north");
  EXPECT_EQ(mode["handoffs"][0]["out"], 1);
  EXPECT_EQ(mode["handoffs"][0]["lost_total"], 0);
  EXPECT_EQ(mode["handoffs"][1]["name"], "intake@unit.north");
  EXPECT_EQ(mode["handoffs"][1]["lost"], json({{"crash:unit.north", 1}}));

  add_crash_losses(&events);
  const Message* message = MessageIndex(events).find("m1");
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->fate, Fate::kLost);
  EXPECT_EQ(message->end->reason, "crash:unit.north");
  EXPECT_EQ(message->end->handoff, "intake@unit.north");
}

TEST(CrashLosses, ASendersLateRetransmissionsDoNotMoveWhatItsReceiverTookIn) {
  // The broker, paused, resends at its resume (5 h) a warning the unit took
  // in at 2 h and died holding at 3 h; it handles the unit's acknowledgement
  // (stamped 2.5 h) after that. The unit lost it, in its intake.
  std::vector<Event> events = events_of({
      line("created", "m1", "route@broker", 1, {{"node", "broker"}}),
      line("sent", "m1", "broker->unit.north", 1, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("received", "m1", "broker->unit.north", 2, {{"node", "unit.north"}}),
      line("queued", "m1", "intake@unit.north", 2, {{"node", "unit.north"}}),
      line("acked", "m1", "broker->unit.north", 2.5, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("node_stopped", "", "", 3, {{"node", "unit.north"}, {"reason", "signal:KILL"}}),
      line("resent", "m1", "broker->unit.north", 5, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("attempt_lost", "m1", "broker->unit.north", 5,
           {{"node", "broker"}, {"peer", "unit.north"}, {"reason", "crash:unit.north"}}),
      line("node_stopped", "", "", 6, {{"node", "broker"}, {"reason", "signal:KILL"}}),
  });
  const json mode = testing::mode_json(events);
  EXPECT_EQ(mode["lost_by_reason"], json({{"crash:unit.north", 1}}));
  for (const json& anomaly : mode["anomalies"])
    EXPECT_NE(anomaly["check"], "handoff_balance") << anomaly;
  EXPECT_EQ(mode["handoffs"][1]["lost"], json({{"crash:unit.north", 1}}));

  add_crash_losses(&events);
  const Message* message = MessageIndex(events).find("m1");
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->end->reason, "crash:unit.north");
  EXPECT_EQ(message->end->handoff, "intake@unit.north");
  EXPECT_EQ(message->end->t_h, 5);  // After its last event.
}

TEST(CrashLosses, AMessageOnItsWayToANodeThatDiedIsLostThere) {
  // Sent to a unit killed inside its last window, before it took it in; the
  // broker left it to the unit at its stop (it had arrived).
  std::vector<Event> events = events_of({
      line("created", "m1", "route@broker", 239, {{"node", "broker"}}),
      line("sent", "m1", "broker->unit.north", 239, {{"node", "broker"}, {"peer", "unit.north"}}),
      line("node_stopped", "", "", 240, {{"node", "unit.north"}, {"reason", "signal:KILL"}}),
      line("node_stopped", "", "", 240, {{"node", "broker"}}),
      // Sent to a unit that stopped cleanly: nobody accounted for it.
      line("created", "m2", "route@broker", 239, {{"node", "broker"}}),
      line("sent", "m2", "broker->unit.south", 239, {{"node", "broker"}, {"peer", "unit.south"}}),
      line("node_stopped", "", "", 240, {{"node", "unit.south"}, {"reason", "exit:0"}}),
  });
  add_crash_losses(&events);
  const MessageIndex index(events);
  ASSERT_NE(index.find("m1"), nullptr);
  EXPECT_EQ(index.find("m1")->fate, Fate::kLost);
  EXPECT_EQ(index.find("m1")->end->reason, "crash:unit.north");
  EXPECT_EQ(index.find("m1")->end->handoff, "broker->unit.north");
  EXPECT_EQ(index.find("m2")->fate, Fate::kUnaccounted);
}

TEST(CrashLosses, SettledMessagesAndLaterArrivalsAndCleanExitsAreLeftAlone) {
  std::vector<Event> events = events_of({
      line("created", "done", "source@agency.uk", 1, {{"node", "agency.uk"}}),
      line("delivered", "done", "database@agency.uk", 2, {{"node", "agency.uk"}}),
      line("created", "held", "source@agency.uk", 1, {{"node", "agency.uk"}}),
      line("in_flight", "held", "desk@agency.uk", 9, {{"node", "agency.uk"}}),
      line("node_stopped", "", "", 4, {{"node", "agency.uk"}, {"reason", "signal:KILL"}}),
      // Arrived after the death (at the restarted node), never settled.
      line("created", "later", "source@agency.uk", 6, {{"node", "agency.uk"}}),
      line("created", "clean", "source@unit.north", 1, {{"node", "unit.north"}}),
      line("node_stopped", "", "", 9, {{"node", "unit.north"}, {"reason", "exit:0"}}),
  });
  const size_t before = events.size();
  add_crash_losses(&events);
  EXPECT_EQ(events.size(), before);
  const MessageIndex index(events);
  EXPECT_EQ(index.find("done")->fate, Fate::kDelivered);
  EXPECT_EQ(index.find("held")->fate, Fate::kInFlight);
  EXPECT_EQ(index.find("later")->fate, Fate::kUnaccounted);
  EXPECT_EQ(index.find("clean")->fate, Fate::kUnaccounted);
}

}  // namespace
}  // namespace tearline::report
