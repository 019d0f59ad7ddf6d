#include "sync/time_authority.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

// Three nodes a, b, c; every link has a lookahead of 1 h except a -> b, 3 h.
TimeAuthority three_nodes(double end_h = 100) {
  TimeAuthority authority(
      {"a", "b", "c"},
      [](const std::string& from, const std::string& to) {
        return from == "a" && to == "b" ? 3.0 : 1.0;
      },
      end_h);
  for (const char* node : {"a", "b", "c"}) authority.started(node, 0, 1);
  return authority;
}

// A node that reached its grant, with its next send (if any); its next
// event is at once, so it is never left idle.
v1::RoundReport report_of(const v1::Grant& grant, std::optional<double> next_send_h) {
  v1::RoundReport report;
  report.set_round(grant.round());
  report.set_reached_h(grant.until_h());
  report.set_next_event_h(grant.until_h());
  if (next_send_h) report.set_next_send_h(*next_send_h);
  return report;
}

TEST(TimeAuthority, GrantsEachNodeUpToTheEarliestArrivalFromTheOthers) {
  TimeAuthority authority = three_nodes();
  // Nobody has reported yet: every node may act at 0.
  auto grants = authority.next_round(50);
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_DOUBLE_EQ(grants["b"].until_h(), 1);  // c could send at 0 + 1.
  // a's next event is at 10, b and c have none.
  authority.report("a", report_of(grants["a"], 10));
  authority.report("b", report_of(grants["b"], std::nullopt));
  authority.report("c", report_of(grants["c"], std::nullopt));
  grants = authority.next_round(50);
  // b hears from a at 13 at the earliest, or via c at 10 + 1 + 1.
  EXPECT_DOUBLE_EQ(grants["b"].until_h(), 12);
  EXPECT_DOUBLE_EQ(grants["c"].until_h(), 11);
  // a hears from c no earlier than 12 (a -> c -> a).
  EXPECT_DOUBLE_EQ(grants["a"].until_h(), 12);
}

TEST(TimeAuthority, CountsFramesAndNeverGrantsPastTheCap) {
  TimeAuthority authority = three_nodes();
  auto grants = authority.next_round(0.5);
  for (auto& [node, grant] : grants) EXPECT_LE(grant.until_h(), 0.5);
  v1::RoundReport from_a = report_of(grants["a"], std::nullopt);
  v1::SentFrames* sent = from_a.add_sent();
  sent->set_peer("c");
  sent->set_peer_incarnation(1);
  sent->set_frames(2);
  sent->set_min_arrival_h(4);
  authority.report("a", from_a);
  authority.report("b", report_of(grants["b"], std::nullopt));
  authority.report("c", report_of(grants["c"], std::nullopt));
  EXPECT_TRUE(authority.all_reached(0.5));
  grants = authority.next_round(50);
  ASSERT_EQ(grants["c"].expected_size(), 1);
  EXPECT_EQ(grants["c"].expected(0).peer(), "a");
  EXPECT_EQ(grants["c"].expected(0).frames(), 2u);
  // c acts at 4 at the earliest, so b may go to 4 + 1.
  EXPECT_DOUBLE_EQ(grants["b"].until_h(), 5);
}

TEST(TimeAuthority, ADeadNodeIsAnnouncedToItsPeersAndItsFramesAreNotExpected) {
  TimeAuthority authority = three_nodes();
  auto grants = authority.next_round(50);
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  authority.died("c", 1);
  grants = authority.next_round(50);
  EXPECT_FALSE(grants.contains("c"));
  bool told = false;
  for (const v1::PeerState& peer : grants["a"].peers()) {
    if (peer.node() == "c" && !peer.up() && peer.at_h() == 1) told = true;
  }
  EXPECT_TRUE(told);
  // Nothing left to happen: a and b run to the cap.
  EXPECT_DOUBLE_EQ(grants["a"].until_h(), 50);
}

TEST(TimeAuthority, AHeldNodeBoundsOthersByTheHourItIsContinued) {
  TimeAuthority authority = three_nodes();
  auto grants = authority.next_round(50);
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  authority.held("c", 20);
  grants = authority.next_round(50);
  EXPECT_FALSE(grants.contains("c"));
  EXPECT_DOUBLE_EQ(grants["b"].until_h(), 21);
  authority.report("a", report_of(grants["a"], std::nullopt));
  authority.report("b", report_of(grants["b"], std::nullopt));
  EXPECT_DOUBLE_EQ(authority.released("c", 20), 20);
  grants = authority.next_round(50);
  ASSERT_TRUE(grants.contains("c"));
  EXPECT_DOUBLE_EQ(grants["c"].resumed_at_h(), 20);
}

TEST(TimeAuthority, ANodeWithNothingToDoIsNotWokenUntilTheCap) {
  TimeAuthority authority = three_nodes();
  auto grants = authority.next_round(50);
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  // c's next event of any kind is at 30; a sends every hour from now on.
  v1::RoundReport idle = report_of(grants["c"], std::nullopt);
  idle.set_next_event_h(30);
  authority.report("c", idle);
  authority.report("a", report_of(grants["a"], 1));
  grants = authority.next_round(50);
  EXPECT_FALSE(grants.contains("c")) << "its window up to 2 h is empty";
  EXPECT_DOUBLE_EQ(authority.reached_h("c"), 2);
  // A frame arriving for it within its next window wakes it.
  v1::RoundReport from_a = report_of(grants["a"], 3);
  v1::SentFrames* sent = from_a.add_sent();
  sent->set_peer("c");
  sent->set_peer_incarnation(1);
  sent->set_frames(1);
  sent->set_min_arrival_h(2.5);
  authority.report("a", from_a);
  authority.report("b", report_of(grants["b"], std::nullopt));
  grants = authority.next_round(50);
  EXPECT_TRUE(grants.contains("c"));
}

TEST(TimeAuthority, ANodeRestartedBeforeItsPeersHourDoesNotStallThem) {
  // The live case: c dies; its restart, asked for meanwhile, is due at 5,
  // and a and b were granted up to 6 (5 + 1) before c started again. A
  // peer learns that c is up in its next window, from 6: it may resend to
  // c from 6, not 5, so the run goes on.
  TimeAuthority authority(
      {"a", "b", "c"}, [](auto&, auto&) { return 1.0; }, 20);
  for (const char* node : {"a", "b", "c"}) authority.started(node, 0, 1);
  auto grants = authority.next_round(20);
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  authority.died("c", 1);
  EXPECT_DOUBLE_EQ(authority.will_start("c", 5), 5);
  grants = authority.next_round(20);
  EXPECT_DOUBLE_EQ(grants["a"].until_h(), 6);
  authority.report("a", report_of(grants["a"], std::nullopt));
  authority.report("b", report_of(grants["b"], std::nullopt));
  authority.started("c", 5, 2);
  for (int round = 0; round < 100 && !authority.all_reached(20); ++round) {
    grants = authority.next_round(20);
    ASSERT_FALSE(grants.empty()) << "stuck at " << authority.floor_h() << " h";
    for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  }
  EXPECT_TRUE(authority.all_reached(20));
}

TEST(TimeAuthority, ARestartIsNeverEarlierThanItsFramesCouldReachAPeersPast) {
  TimeAuthority authority = three_nodes();
  auto grants = authority.next_round(50);
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  authority.died("b", 1);
  // Nothing bounds a and c any more: they run to the cap.
  grants = authority.next_round(50);
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  EXPECT_DOUBLE_EQ(authority.granted_h("c"), 50);
  // b's frames reach a and c after 1 h at the earliest: asked to start at
  // 10, b starts at 49, no earlier.
  EXPECT_DOUBLE_EQ(authority.will_start("b", 10), 49);
  EXPECT_DOUBLE_EQ(authority.will_start("b", 60), 60);
}

TEST(TimeAuthority, AFirstGrantNamesOnlyPeersNotUpInTheirFirstProcess) {
  // A node takes every peer for up, in its first process, until a grant
  // says otherwise; telling it so of every peer would make the first round
  // grow with the square of the nodes.
  TimeAuthority authority = three_nodes();
  auto grants = authority.next_round(50);
  for (const auto& [node, grant] : grants) EXPECT_EQ(grant.peers_size(), 0) << node;
  for (auto& [node, grant] : grants) authority.report(node, report_of(grant, std::nullopt));
  // c died, then b restarted: b's first grant says c is down; a's says b is
  // in its second process.
  authority.died("c", 1);
  authority.died("b", 1);
  authority.started("b", authority.will_start("b", 2), 2);
  grants = authority.next_round(50);
  ASSERT_EQ(grants["b"].peers_size(), 1);
  EXPECT_EQ(grants["b"].peers(0).node(), "c");
  EXPECT_FALSE(grants["b"].peers(0).up());
  bool told_b_is_back = false;
  for (const v1::PeerState& peer : grants["a"].peers()) {
    if (peer.node() == "b" && peer.up() && peer.incarnation() == 2) told_b_is_back = true;
  }
  EXPECT_TRUE(told_b_is_back);
}

TEST(TimeAuthority, RefusesAZeroLookahead) {
  EXPECT_THROW(TimeAuthority(
                   {"a", "b"}, [](auto&, auto&) { return 0.0; }, 10),
               std::invalid_argument);
}

}  // namespace
}  // namespace tearline
