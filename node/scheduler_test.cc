#include "node/scheduler.h"

#include <gtest/gtest.h>

#include <string>

namespace tearline {
namespace {

DueHours all_at(double at_h) { return DueHours{at_h, at_h, at_h, at_h, at_h}; }

TEST(SchedulerTest, AtEqualHoursControlGoesFirstThenAcksRoleLinksAndIntake) {
  DueHours due = all_at(5);
  const EventSource expected[] = {EventSource::kControl, EventSource::kAck, EventSource::kRole,
                                  EventSource::kLinks, EventSource::kIntake};
  std::optional<double>* sources[] = {&due.control, &due.ack, &due.role, &due.links, &due.intake};
  for (int i = 0; i < 5; ++i) {
    const std::optional<DueEvent> next = next_due(due, false);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->source, expected[i]) << "step " << i;
    EXPECT_DOUBLE_EQ(next->at_h, 5);
    sources[i]->reset();  // Handled.
  }
  EXPECT_FALSE(next_due(due, false));
}

TEST(SchedulerTest, TheEarliestHourGoesFirstWhateverItsSource) {
  const DueHours due{9, 8, 7, 6, 5.5};
  const std::optional<DueEvent> next = next_due(due, false);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->source, EventSource::kIntake);
  EXPECT_DOUBLE_EQ(next->at_h, 5.5);
}

TEST(SchedulerTest, APausedNodeHandlesOnlyControl) {
  DueHours due = all_at(5);
  due.control = 8;
  const std::optional<DueEvent> next = next_due(due, true);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->source, EventSource::kControl);
  EXPECT_DOUBLE_EQ(next->at_h, 8);
  due.control.reset();
  EXPECT_FALSE(next_due(due, true));
}

TEST(SchedulerTest, AnAcknowledgementTakenInSendsNothing) {
  const DueHours due{std::nullopt, 1, 4, std::nullopt, 3};
  EXPECT_EQ(next_send_bound_h(due, false, 0), 3);
  EXPECT_EQ(next_send_bound_h(DueHours{std::nullopt, 1}, false, 0), std::nullopt);
  // Resumed at any moment, a paused node catches up at once.
  EXPECT_EQ(next_send_bound_h(due, true, 2.5), 2.5);
}

ControlEvent peer_event(const std::string& node) {
  v1::PeerState state;
  state.set_node(node);
  return ControlEvent{std::nullopt, "", state};
}

TEST(ControlQueueTest, ByHourThenInTheOrderScheduled) {
  ControlQueue queue;
  EXPECT_FALSE(queue.next_h());
  queue.schedule(7, peer_event("late"));
  queue.schedule(3, peer_event("first"));
  queue.schedule(3, peer_event("second"));
  EXPECT_EQ(queue.next_h(), 3);
  EXPECT_EQ(queue.pop().peer->node(), "first");
  EXPECT_EQ(queue.pop().peer->node(), "second");
  EXPECT_EQ(queue.next_h(), 7);
  EXPECT_EQ(queue.pop().peer->node(), "late");
  EXPECT_FALSE(queue.next_h());
}

TEST(ControlQueueTest, IsFullAtItsLimit) {
  ControlQueue queue;
  for (size_t i = 0; i + 1 < ControlQueue::kScheduledCommandsMax; ++i) {
    queue.schedule(1, peer_event("peer"));
  }
  EXPECT_FALSE(queue.full());
  queue.schedule(1, peer_event("peer"));
  EXPECT_TRUE(queue.full());
}

}  // namespace
}  // namespace tearline
