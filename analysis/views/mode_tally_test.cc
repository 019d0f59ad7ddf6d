// The one-pass tally (summary, lost) against the Event-based model it must
// match: the events kept in memory, report::MessageIndex and passes().
#include "analysis/views/mode_tally.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "analysis/views/view_test_support.h"

namespace tearline::trace_views {
namespace {

using report::Event;
using testing::by_mode;
using testing::by_node;
using testing::by_plot;
using testing::by_window;
using testing::recorded_run;
using testing::RunCopy;

// The tally as the Event-based views would count it.
ModeTally expected_tally(const LoadedRun& run, const LoadedMode& mode) {
  ModeTally tally;
  for (const Event& event : mode.traces.events) {
    // Crash losses are fates, not events read.
    if (event.derived || !passes(run, mode, event)) continue;
    tally.first_t_h = tally.events == 0 ? event.t_h : std::min(tally.first_t_h, event.t_h);
    tally.last_t_h = tally.events == 0 ? event.t_h : std::max(tally.last_t_h, event.t_h);
    ++tally.events;
    tally.nodes.insert(event.node);
    ++tally.count_by_kind_node[event.kind][event.node];
    if (event.wall_ms) {
      tally.wall_first_ms = std::min(tally.wall_first_ms.value_or(*event.wall_ms), *event.wall_ms);
      tally.wall_last_ms = std::max(tally.wall_last_ms.value_or(*event.wall_ms), *event.wall_ms);
    }
  }
  std::vector<const report::Message*> in_time_order;
  for (const auto& [id, message] : mode.index->messages()) in_time_order.push_back(&message);
  const auto key_of = [](const Event& event) {
    return TimeKey{event.t_h, event.wall_ms.value_or(0), event.file, event.line};
  };
  std::sort(in_time_order.begin(), in_time_order.end(),
            [&key_of](const auto* a, const auto* b) { return key_of(*a->end) < key_of(*b->end); });
  for (const report::Message* indexed : in_time_order) {
    const report::Message& message = *indexed;
    const std::string& id = message.id;
    if (!passes(run, mode, *message.end)) continue;
    switch (message.fate) {
      case report::Fate::kDelivered:
        ++tally.delivered;
        tally.served_again_without_journal += message.served_again_without_journal ? 1 : 0;
        break;
      case report::Fate::kLost: {
        ++tally.lost;
        ++tally.lost_by_reason[report::loss_reason(*message.end)];
        const Event& end = *message.end;
        tally.lost_messages.push_back(
            {TimeKey{end.t_h, end.wall_ms.value_or(0), end.file, end.line}, id,
             *tally.texts.emplace(mode.index->trace_of(id)).first, end.node, end.kind, end.handoff,
             *tally.texts.emplace(report::loss_reason(end)).first});
        break;
      }
      case report::Fate::kInFlight:
        ++tally.in_flight;
        break;
      case report::Fate::kUnaccounted:
        ++tally.unaccounted;
        break;
    }
  }
  return tally;
}

std::string text_of(const ModeTally& tally) {
  std::string text = fmt::format("events={} span={}..{} wall={}..{}\n", tally.events,
                                 tally.first_t_h, tally.last_t_h, tally.wall_first_ms.value_or(-1),
                                 tally.wall_last_ms.value_or(-1));
  text += fmt::format("nodes={}\n", fmt::join(tally.nodes, ","));
  for (const auto& [kind, by_node] : tally.count_by_kind_node) {
    for (const auto& [node, count] : by_node) text += fmt::format("{} {} {}\n", kind, node, count);
  }
  text += fmt::format("delivered={} lost={} in_flight={} unaccounted={} served_again={}\n",
                      tally.delivered, tally.lost, tally.in_flight, tally.unaccounted,
                      tally.served_again_without_journal);
  for (const auto& [reason, count] : tally.lost_by_reason) {
    text += fmt::format("lost {} {}\n", reason, count);
  }
  for (const LostMessage& lost : tally.lost_messages) {
    text += fmt::format("lost message {} {} {} {} {} {} {} at {}\n", lost.id, lost.trace, lost.node,
                        lost.kind, lost.handoff, lost.reason, lost.key.t_h, lost.key.line);
  }
  return text;
}

void expect_tally_matches(const std::string& run_dir, const TraceFilter& filter) {
  const LoadedRun run = load_run(run_dir, filter, nullptr);
  for (const auto& mode : run.modes) {
    report::ModeScan scan(std::filesystem::path(run_dir) / mode->info.name);
    const ModeTally tally = tally_mode(&scan, filter, mode->info, nullptr);
    EXPECT_EQ(text_of(tally), text_of(expected_tally(run, *mode)))
        << run_dir << " " << mode->info.name;
  }
}

std::vector<TraceFilter> filters() {
  TraceFilter node_in_window = by_window(20.0, 45.0);
  node_in_window.node = "unit.north";
  return {{},
          by_mode("coordinated"),
          by_plot("plot.north-1"),
          by_node("broker"),
          by_node("unit.north"),
          by_window(26.0, 44.0),
          node_in_window};
}

TEST(ModeTally, MatchesTheEventModelOnTheRecordedRuns) {
  for (const TraceFilter& filter : filters()) {
    expect_tally_matches(recorded_run(), filter);
    expect_tally_matches(testing::recorded_faulty_run(), filter);
  }
}

// Messages of every fate, out of order, with ids and traces only the
// ancestors give, appended to the recorded run's coordinated mode.
TEST(ModeTally, MatchesTheEventModelOnEveryFate) {
  RunCopy run("summary-tally-fates");
  const auto append = [&run](const std::string& node, const std::vector<std::string>& lines) {
    std::ofstream out(run.file("coordinated", node), std::ios::app);
    for (const std::string& line : lines) out << line << "\n";
  };
  const auto event = [](const std::string& kind, double t_h, const std::string& rest) {
    return fmt::format(R"({{"t_h":{},"kind":"{}",{}}})", t_h, kind, rest);
  };
  append("agency.aa",
         {
             // Lost on the way, its copy expired: the copy's trace comes from its parent.
             event("created", 60, R"("msg":"x1","trace":"aa-north-1","node":"agency.aa")"),
             event("lost", 61, R"("msg":"x1","reason":"link-loss","node":"agency.aa")"),
             event("created", 60.5, R"("msg":"x1>c","parent":"x1","node":"agency.aa")"),
             // Two terminal events: unaccounted.
             event("created", 62, R"("msg":"x2","trace":"aa-north-1","node":"agency.aa")"),
             event("delivered", 63, R"("msg":"x2","node":"agency.aa")"),
             event("delivered", 64, R"("msg":"x2","node":"agency.aa")"),
             // In flight twice: the first decides.
             event("created", 65, R"("msg":"x4","trace":"bg.1","node":"agency.aa")"),
             event("in_flight", 90, R"("msg":"x4","node":"agency.aa")"),
             // No end at all.
             event("created", 66, R"("msg":"x5","node":"agency.aa")"),
             // Its own parent: no trace id anywhere.
             event("created", 67, R"("msg":"x6","parent":"x6","node":"agency.aa")"),
             event("withheld", 68, R"("msg":"x6","node":"agency.aa")"),
             // Served again by the centre, which restarted without a journal.
             event("created", 69, R"("msg":"x7","trace":"aa-north-1","node":"agency.aa")"),
         });
  append("broker", {
                       event("delivered", 72, R"("msg":"x7","node":"broker")"),
                       event("node_started", 73, R"("node":"broker")"),
                       event("delivered", 74, R"("msg":"x7","node":"broker")"),
                   });
  append("unit.north",
         {
             event("expired", 70, R"("msg":"x1>c","node":"unit.north")"),
             event("received", 71, R"("msg":"x3","trace":"aa-north-1","node":"unit.north")"),
             event("in_flight", 80, R"("msg":"x4","node":"unit.north")"),
         });
  for (const TraceFilter& filter : filters()) expect_tally_matches(run.dir(), filter);

  const LoadedRun loaded = load_run(run.dir(), by_mode("coordinated"), nullptr);
  report::ModeScan scan(std::filesystem::path(run.dir()) / "coordinated");
  const ModeTally tally = tally_mode(&scan, {}, loaded.modes[0]->info, nullptr);
  // x2, x3 (never created), x5 and recorded ones none: three unaccounted.
  EXPECT_EQ(tally.unaccounted, 3u);
  EXPECT_EQ(tally.served_again_without_journal, 1u);
  EXPECT_EQ(tally.in_flight, 1u);
  EXPECT_EQ(tally.lost_by_reason.at("link-loss"), 1u);
  EXPECT_EQ(tally.lost_by_reason.at("expired"), 1u);
  EXPECT_EQ(tally.lost_by_reason.at("withheld"), 1u);
}

// Messages the broker's crash (at 26h) lost where only the event model's
// rule (report::add_crash_losses) sees it: acknowledged after the receiver
// died, and sent to it but never received.
TEST(ModeTally, MatchesTheEventModelOnCrashLosses) {
  RunCopy run("summary-tally-crash", testing::recorded_faulty_run());
  const auto append = [&run](const std::string& node, const std::vector<std::string>& lines) {
    std::ofstream out(run.file("coordinated", node), std::ios::app);
    for (const std::string& line : lines) out << line << "\n";
  };
  const auto event = [](const std::string& kind, double t_h, const std::string& rest) {
    return fmt::format(R"({{"t_h":{},"kind":"{}","node":{}}})", t_h, kind, rest);
  };
  append("agency.aa",
         {
             event("created", 20, R"("agency.aa","msg":"y1","trace":"aa-north-1")"),
             event("sent", 21, R"("agency.aa","msg":"y1","peer":"broker","handoff":"aa->broker")"),
             event("acked", 27, R"("agency.aa","msg":"y1","peer":"broker","handoff":"aa->broker")"),
             event("created", 24, R"("agency.aa","msg":"y2","trace":"aa-north-1")"),
             event("sent", 25, R"("agency.aa","msg":"y2","peer":"broker","handoff":"aa->broker")"),
         });
  append("broker", {event("received", 22,
                          R"("broker","msg":"y1","peer":"agency.aa","handoff":"aa->broker")")});
  for (const TraceFilter& filter : filters()) expect_tally_matches(run.dir(), filter);

  const LoadedRun loaded = load_run(run.dir(), by_mode("coordinated"), nullptr);
  report::ModeScan scan(std::filesystem::path(run.dir()) / "coordinated");
  const ModeTally tally = tally_mode(&scan, {}, loaded.modes[0]->info, nullptr);
  size_t lost_to_crash = 0;
  for (const LostMessage& lost : tally.lost_messages) {
    lost_to_crash += (lost.id == "y1" || lost.id == "y2") && lost.reason == "crash:broker";
  }
  EXPECT_EQ(lost_to_crash, 2u);
}

TEST(ModeTally, ListsOnlyTheLostMessagesAskedFor) {
  const std::string reason = "link-loss:injected";
  for (const TalliedMode& mode : tally_run(testing::recorded_faulty_run(), {}, nullptr)) {
    EXPECT_EQ(mode.tally.lost_messages.size(), mode.tally.lost) << mode.info.name;
  }
  size_t listed = 0;
  for (const TalliedMode& mode :
       tally_run(testing::recorded_faulty_run(), {}, nullptr, {.listed = true, .reason = reason})) {
    const auto count = mode.tally.lost_by_reason.find(reason);
    EXPECT_EQ(mode.tally.lost_messages.size(),
              count == mode.tally.lost_by_reason.end() ? 0 : count->second);
    for (const LostMessage& lost : mode.tally.lost_messages) EXPECT_EQ(lost.reason, reason);
    listed += mode.tally.lost_messages.size();
  }
  EXPECT_GT(listed, 0u);
  for (const TalliedMode& mode :
       tally_run(testing::recorded_faulty_run(), {}, nullptr, {.listed = false, .reason = {}})) {
    EXPECT_TRUE(mode.tally.lost_messages.empty());
    EXPECT_GT(mode.tally.lost, 0u) << mode.info.name;
  }
}

}  // namespace
}  // namespace tearline::trace_views
