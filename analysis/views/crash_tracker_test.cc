// CrashTracker, reading lines in any order, against report::add_crash_losses
// over the same events in time order.
#include "analysis/views/crash_tracker.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "analysis/read/crash_losses.h"
#include "analysis/read/trace_scan.h"
#include "analysis/views/view_test_support.h"

namespace tearline::trace_views {
namespace {

using report::Event;

std::string text_of(std::string_view msg, std::string_view node, std::string_view reason,
                    std::string_view handoff, std::string_view trace, const TimeKey& key) {
  return fmt::format("{} at {} ({}) via {} trace {} t={} wall={} {}:{}", msg, node, reason, handoff,
                     trace, key.t_h, key.wall_ms, key.file, key.line);
}

// add_crash_losses' derived events, in message id order.
std::vector<std::string> expected_losses(std::vector<Event> events) {
  report::sort_in_time_order(&events);
  report::add_crash_losses(&events);
  std::vector<const Event*> derived;
  for (const Event& event : events) {
    if (event.derived) derived.push_back(&event);
  }
  std::sort(derived.begin(), derived.end(),
            [](const Event* a, const Event* b) { return a->msg < b->msg; });
  std::vector<std::string> texts;
  for (const Event* event : derived) {
    texts.push_back(text_of(event->msg, event->node, event->reason, event->handoff, event->trace,
                            {event->t_h, event->wall_ms.value_or(0), event->file, event->line}));
  }
  return texts;
}

std::vector<std::string> tracked_losses(const std::vector<Event>& events) {
  Interner names;
  CrashTracker tracker(&names);
  for (const Event& event : events) tracker.add(report::fields_of(event));
  std::vector<std::string> texts;
  for (const DerivedLoss& derived : tracker.losses()) {
    texts.push_back(text_of(derived.msg, names.text(derived.loss.node), derived.loss.reason,
                            names.text(derived.loss.handoff), derived.last.trace,
                            derived.loss.key));
  }
  return texts;
}

// Lines of two files: 0 the launcher's, 1 the nodes'.
class Lines {
 public:
  Event& add(double t_h, std::string node, std::string kind, std::string msg,
             std::string peer = "") {
    Event& event = events_.emplace_back();
    event.file = node == "launcher" || kind == "node_stopped" ? 0 : 1;
    event.line = events_.size();
    event.t_h = t_h;
    event.wall_ms = static_cast<int64_t>(t_h * 10);
    event.node = std::move(node);
    event.kind = std::move(kind);
    event.msg = std::move(msg);
    event.peer = std::move(peer);
    event.trace = event.msg.empty() ? "" : "trace-" + event.msg;
    event.handoff = event.peer.empty() ? "queue@" + event.node : event.node + "->" + event.peer;
    return event;
  }
  std::vector<Event> events() const { return {events_.begin(), events_.end()}; }

 private:
  std::deque<Event> events_;
};

TEST(CrashTracker, FindsWhatAddCrashLossesFindsInAnyOrder) {
  Lines lines;
  // Acknowledged: with its receiver b, which died after taking it in.
  lines.add(1, "a", "created", "m1");
  lines.add(2, "a", "sent", "m1", "b");
  lines.add(3, "b", "received", "m1", "a");
  lines.add(9, "a", "acked", "m1", "b");
  // Sent to b, never received: b died with it on its way.
  lines.add(4, "a", "created", "m2");
  lines.add(5, "a", "sent", "m2", "b");
  // Queued at a, which crashed.
  lines.add(6, "a", "created", "m3");
  lines.add(7, "a", "queued", "m3");
  // Delivered: settled, whatever died.
  lines.add(1, "a", "created", "m4");
  lines.add(2, "a", "delivered", "m4");
  // At c, which died only before it got there.
  lines.add(12, "c", "created", "m5");
  // At d, which died with the launcher.
  lines.add(13, "d", "created", "m6");
  lines.add(8, "b", "node_stopped", "").reason = "signal:9";
  lines.add(11, "a", "fault", "").fault = "crash";
  lines.add(10, "c", "node_stopped", "").reason = "exit:1";
  lines.add(14, "d", "node_stopped", "").reason = std::string(report::kLauncherDiedReason);

  std::vector<Event> events = lines.events();
  const std::vector<std::string> expected = expected_losses(events);
  ASSERT_EQ(expected.size(), 4u) << fmt::format("{}", fmt::join(expected, "\n"));
  EXPECT_EQ(tracked_losses(events), expected);
  std::reverse(events.begin(), events.end());
  EXPECT_EQ(tracked_losses(events), expected);
  std::rotate(events.begin(), events.begin() + 5, events.end());
  EXPECT_EQ(tracked_losses(events), expected);
}

TEST(CrashTracker, FindsWhatAddCrashLossesFindsInTheRecordedFaultyRun) {
  for (const std::string mode : {"bilateral", "coordinated"}) {
    report::ModeScan scan(testing::recorded_faulty_run() / mode);
    std::vector<Event> events;
    scan.read(
        [&events](const report::EventFields& fields) {
          events.push_back(report::event_of(fields));
        },
        nullptr);
    const std::vector<std::string> expected = expected_losses(events);
    EXPECT_EQ(tracked_losses(events), expected) << mode;
    if (mode == "coordinated") {
      EXPECT_FALSE(expected.empty());  // The broker crashed.
    }
  }
}

}  // namespace
}  // namespace tearline::trace_views
