#include "analysis/read/message_fates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;
using testing::mode_json;

TEST(MessageFates, EveryCreatedMessageIsDeliveredLostInFlightOrUnaccounted) {
  const json at_uk = {{"node", "agency.uk"}};
  const std::vector<Event> events = events_of({
      line("created", "delivered", "source@agency.uk", 0, at_uk),
      line("delivered", "delivered", "database@agency.uk", 1, at_uk),
      line("created", "withheld", "sharing@agency.uk", 0, at_uk),
      line("withheld", "withheld", "sharing@agency.uk", 0,
           {{"node", "agency.uk"}, {"reason", "withheld:source-protection"}}),
      line("created", "expired", "source@agency.uk", 0, at_uk),
      line("expired", "expired", "database@agency.uk", 5,
           {{"node", "agency.uk"}, {"reason", "expired:backlog"}}),
      line("created", "held", "source@agency.uk", 0, at_uk),
      line("in_flight", "held", "desk@agency.uk", 9, {{"node", "agency.uk"}, {"reason", "queued"}}),
      line("created", "vanished", "source@agency.uk", 0, at_uk),
      line("queued", "vanished", "desk@agency.uk", 2.5, at_uk),
      line("created", "twice", "source@agency.uk", 0, at_uk),
      line("delivered", "twice", "intake@unit.leeds", 3, {{"node", "unit.leeds"}}),
      line("lost", "twice", "agency.uk->unit.leeds", 4,
           {{"node", "agency.uk"}, {"reason", "deadline:unacknowledged"}}),
      line("delivered", "orphan", "intake@unit.leeds", 6, {{"node", "unit.leeds"}}),
  });
  // The report's ledger (message_ledger.h) decides as MessageIndex does.
  const json fates = mode_json(events);
  const json& messages = fates["messages"];
  EXPECT_EQ(messages["created"], 6);
  EXPECT_EQ(messages["delivered"], 1);
  EXPECT_EQ(messages["lost"], 2);
  EXPECT_EQ(messages["in_flight"], 1);
  EXPECT_EQ(messages["unaccounted"], 2);
  EXPECT_EQ(messages["never_created"], 1);
  EXPECT_EQ(messages["created"].get<int>(),
            messages["delivered"].get<int>() + messages["lost"].get<int>() +
                messages["in_flight"].get<int>() + messages["unaccounted"].get<int>());
  EXPECT_EQ(fates["lost_by_reason"],
            json({{"withheld:source-protection", 1}, {"expired:backlog", 1}}));

  const json& unaccounted = fates["unaccounted_messages"];
  ASSERT_EQ(unaccounted.size(), 3u);  // Sorted by id.
  EXPECT_EQ(unaccounted[0]["msg"], "orphan");
  EXPECT_EQ(unaccounted[0]["reason"], "never created");
  EXPECT_EQ(unaccounted[1]["msg"], "twice");
  EXPECT_EQ(unaccounted[1]["reason"], "multiple terminal events");
  EXPECT_EQ(unaccounted[1]["kind"], "lost");
  EXPECT_EQ(unaccounted[2], json({{"msg", "vanished"},
                                  {"reason", "no terminal or in_flight event"},
                                  {"node", "agency.uk"},
                                  {"kind", "queued"},
                                  {"handoff", "desk@agency.uk"},
                                  {"t_h", 2.5}}));
}

// A centre without a journal that restarted serves a resent report again
// (docs/DURABILITY.md): one delivery, counted apart. Anything else with two
// terminal events stays unaccounted.
TEST(MessageFates, OnlyACentreWithoutAJournalServesAgainAfterARestart) {
  const json run = {{"agencies", {"agency.aa"}},
                    {"units", {{{"name", "unit.north"}, {"area", "north"}}}}};
  const json at_aa = {{"node", "agency.aa"}};
  const json at_broker = {{"node", "broker"}};
  const json at_unit = {{"node", "unit.north"}};
  const auto created = [&](const std::string& msg) {
    return line("created", msg, "source@agency.aa", 1, at_aa);
  };
  const std::vector<Event> events = events_of({
      line("run", "", "", 0, {{"node", "launcher"}, {"run", run}}),
      line("node_started", "", "", 0, at_broker),
      line("node_started", "", "", 0, at_unit),
      // Served, then served again by the process started after the death.
      created("again"),
      line("delivered", "again", "route@broker", 10, at_broker),
      // Served twice before any restart: a fault.
      created("twice"),
      line("delivered", "twice", "route@broker", 10, at_broker),
      line("delivered", "twice", "route@broker", 10.5, at_broker),
      // Served, then lost after the restart: two fates.
      created("both"),
      line("delivered", "both", "route@broker", 10, at_broker),
      line("node_stopped", "", "", 11, {{"node", "broker"}, {"reason", "signal KILL"}}),
      line("node_started", "", "", 11.5, at_broker),
      line("delivered", "again", "route@broker", 12, at_broker),
      line("lost", "both", "route@broker", 12, {{"node", "broker"}, {"reason", "expired"}}),
      // A unit without a journal is no centre.
      created("unit-twice"),
      line("delivered", "unit-twice", "intake@unit.north", 20, at_unit),
      line("node_stopped", "", "", 21, {{"node", "unit.north"}, {"reason", "signal KILL"}}),
      line("node_started", "", "", 21.5, at_unit),
      line("delivered", "unit-twice", "intake@unit.north", 22, at_unit),
      // A journaled centre that recovered remembers what it served.
      created("recovered"),
      line("delivered", "recovered", "route@broker", 30, at_broker),
      line("node_stopped", "", "", 31, {{"node", "broker"}, {"reason", "signal KILL"}}),
      line("node_started", "", "", 31.5, {{"node", "broker"}, {"reason", "recovered"}}),
      line("delivered", "recovered", "route@broker", 32, at_broker),
      // Three services across two restarts: not one service and its repeat.
      created("thrice"),
      line("delivered", "thrice", "route@broker", 40, at_broker),
      line("node_started", "", "", 41, at_broker),
      line("delivered", "thrice", "route@broker", 42, at_broker),
      line("node_started", "", "", 43, at_broker),
      line("delivered", "thrice", "route@broker", 44, at_broker),
  });
  const MessageIndex index(events);
  const Message& again = *index.find("again");
  EXPECT_EQ(again.fate, Fate::kDelivered);
  EXPECT_TRUE(again.served_again_without_journal);
  EXPECT_EQ(again.end->t_h, 10);  // The first service decides.
  for (const char* id : {"twice", "both", "unit-twice", "recovered", "thrice"}) {
    EXPECT_EQ(index.find(id)->fate, Fate::kUnaccounted) << id;
    EXPECT_EQ(index.find(id)->unaccounted_reason, "multiple terminal events") << id;
  }
  const json fates = mode_json(events, run);
  EXPECT_EQ(fates["messages"]["delivered"], 1);
  EXPECT_EQ(fates["messages"]["served_again_without_journal"], 1);
  EXPECT_EQ(fates["messages"]["unaccounted"], 5);

  // Without a RunInfo the centre is unknown: nothing is excused.
  std::vector<Event> without_run;
  std::copy_if(events.begin(), events.end(), std::back_inserter(without_run),
               [](const Event& event) { return event.kind != "run"; });
  EXPECT_EQ(MessageIndex(without_run).find("again")->fate, Fate::kUnaccounted);
}

TEST(MessageFates, TerminalEventOutranksInFlight) {
  const std::vector<Event> events = events_of({
      line("created", "m1", "route@broker", 0),
      line("delivered", "m1", "intake@unit.leeds", 1),
      line("in_flight", "m1", "broker->unit.leeds", 2, {{"reason", "awaiting ack"}}),
  });
  const MessageIndex index(events);
  EXPECT_EQ(index.find("m1")->fate, Fate::kDelivered);
  EXPECT_EQ(index.find("m2"), nullptr);
}

TEST(MessageFates, TraceIdIsInheritedFromAncestors) {
  const std::vector<Event> events = events_of({
      line("created", "root", "source@agency.us", 0, {{"trace", "t-1"}}),
      line("created", "child", "sharing@agency.us", 1, {{"parent", "root"}}),
      line("created", "grandchild", "poll@agency.uk", 2, {{"parent", "child"}}),
      line("created", "loop-a", "x", 0, {{"parent", "loop-b"}}),
      line("created", "loop-b", "x", 0, {{"parent", "loop-a"}}),
  });
  const MessageIndex index(events);
  EXPECT_EQ(index.trace_of("grandchild"), "t-1");
  EXPECT_EQ(index.trace_of("loop-a"), "");
}

}  // namespace
}  // namespace tearline::report
