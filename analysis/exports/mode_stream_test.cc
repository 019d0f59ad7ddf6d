#include "analysis/exports/mode_stream.h"

#include <gtest/gtest.h>

#include <map>

#include "analysis/exports/export_events.h"
#include "analysis/exports/export_test_support.h"

namespace tearline::trace_exports {
namespace {

// The stream gives read_run()'s events in read_run()'s order, crash losses
// included, and at(i) gives the i-th again.
void expect_same_as_read_run(const std::string& run_dir) {
  const std::vector<ModeEvents> modes = read_run(run_dir, nullptr);
  const auto dirs = mode_dirs(run_dir);
  ASSERT_EQ(dirs.size(), modes.size());
  for (size_t m = 0; m < modes.size(); ++m) {
    const ModeStream stream(dirs[m], nullptr);
    const std::vector<report::Event>& events = modes[m].traces.events;
    EXPECT_EQ(stream.mode(), modes[m].traces.mode);
    ASSERT_EQ(stream.run() != nullptr, modes[m].run.has_value());
    if (stream.run() != nullptr) {
      EXPECT_EQ(stream.run()->SerializeAsString(), modes[m].run->SerializeAsString());
    }
    ASSERT_EQ(stream.size(), events.size());
    std::map<std::string, size_t> last_of_message;
    for (const report::Event& event : events) {
      if (!event.msg.empty()) last_of_message[event.msg] = event.order;
    }
    size_t i = 0;
    stream.for_each([&](const report::Event& event) {
      ASSERT_LT(i, events.size());
      const report::Event& want = events[i];
      EXPECT_EQ(event.order, i);
      EXPECT_EQ(std::tie(event.t_h, event.node, event.kind, event.msg, event.reason, event.handoff,
                         event.file, event.line, event.derived),
                std::tie(want.t_h, want.node, want.kind, want.msg, want.reason, want.handoff,
                         want.file, want.line, want.derived))
          << run_dir << " event " << i;
      EXPECT_EQ(stream.at(i).kind, event.kind);
      EXPECT_EQ(stream.last_of_message(i), !event.msg.empty() && last_of_message[event.msg] == i)
          << run_dir << " event " << i;
      ++i;
    });
    EXPECT_EQ(i, events.size());
  }
}

TEST(ModeStream, SameEventsInTheSameOrderAsReadRun) {
  expect_same_as_read_run(recorded_run());
  expect_same_as_read_run(recorded_faulty_run());
}

TEST(ModeStream, CrashLossesAreAmongTheEvents) {
  size_t derived = 0;
  for (const auto& dir : mode_dirs(recorded_faulty_run())) {
    ModeStream(dir, nullptr).for_each([&derived](const report::Event& event) {
      if (event.derived) {
        ++derived;
        EXPECT_EQ(event.kind, "lost");
        EXPECT_EQ(event.reason.rfind("crash:", 0), 0u) << event.reason;
      }
    });
  }
  EXPECT_EQ(derived, 1u);  // The broker crash's one loss.
}

// A receiver took m in and died; its sender's acknowledgement and a late
// resend of m came after the arrival. The loss is the receiver's, at its
// intake, as read_run() (report::add_crash_losses) charges it, not the
// sender's on the link: the stream must hand add_crash_losses the arrival
// too, not only each message's last events.
TEST(ModeStream, ACrashLossIsChargedWhereTheDeadNodeHeldTheMessage) {
  TempRun run;
  run.write("bilateral", "launcher",
            R"({"t_h":0,"node":"launcher","kind":"run","run":{}})"
            "\n"
            R"({"t_h":5,"node":"b","kind":"node_stopped","reason":"signal:KILL"})"
            "\n");
  run.write(
      "bilateral", "a",
      R"({"t_h":1,"node":"a","kind":"created","msg":"m"})"
      "\n"
      R"({"t_h":1,"node":"a","kind":"sent","msg":"m","peer":"b","handoff":"a->b","attempt":1})"
      "\n"
      R"({"t_h":4,"node":"a","kind":"acked","msg":"m","peer":"b","handoff":"a->b"})"
      "\n"
      R"({"t_h":4.5,"node":"a","kind":"resent","msg":"m","peer":"b","handoff":"a->b","attempt":2})"
      "\n");
  run.write("bilateral", "b",
            R"({"t_h":2,"node":"b","kind":"received","msg":"m","peer":"a","handoff":"a->b"})"
            "\n"
            R"({"t_h":2,"node":"b","kind":"queued","msg":"m","handoff":"intake@b"})"
            "\n");
  expect_same_as_read_run(run.path());
  size_t derived = 0;
  ModeStream(std::filesystem::path(run.path()) / "bilateral", nullptr)
      .for_each([&derived](const report::Event& event) {
        if (!event.derived) return;
        ++derived;
        EXPECT_EQ(event.reason, "crash:b");
        EXPECT_EQ(event.handoff, "intake@b");
      });
  EXPECT_EQ(derived, 1u);
}

// Lines out of time order across and within files come out sorted, and a
// malformed line is warned about once, when the stream is made.
TEST(ModeStream, SortsLinesAndWarnsOnceAboutAMalformedOne) {
  TempRun run;
  run.write("bilateral", "launcher",
            R"({"t_h":0,"node":"launcher","kind":"run","run":{}})"
            "\n");
  run.write("bilateral", "a",
            R"({"t_h":3,"node":"a","kind":"served","msg":"m"})"
            "\n"
            "{broken\n"
            R"({"t_h":1,"node":"a","kind":"queued","msg":"m"})"
            "\n");
  run.write("bilateral", "b",
            R"({"t_h":2,"node":"b","kind":"created","msg":"n"})"
            "\n");
  std::vector<std::string> warnings;
  const ModeStream stream(std::filesystem::path(run.path()) / "bilateral", &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("a.trace.jsonl:2"), std::string::npos) << warnings[0];
  std::vector<double> hours;
  stream.for_each([&hours](const report::Event& event) { hours.push_back(event.t_h); });
  EXPECT_EQ(hours, (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(warnings.size(), 1u);
}

}  // namespace
}  // namespace tearline::trace_exports
