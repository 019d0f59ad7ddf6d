// The pace on a fake clock: how long a paced run waits, in fake time.
#include "launcher/mode/pacer.h"

#include <gtest/gtest.h>

#include <chrono>

namespace tearline {
namespace {

using std::chrono::milliseconds;

TEST(Pacer, WaitsUntilTheHourIsDueInSteps) {
  FakeClock clock;
  Pacer pacer(clock, /*ms_per_scenario_hour=*/100);
  pacer.start();
  int steps = 0;
  const auto idle = [&](milliseconds step) {
    EXPECT_LE(step, milliseconds(50));
    ++steps;
    clock.wait(step);
  };
  pacer.wait_for(2.5, idle, [] { return false; });
  EXPECT_EQ(clock.now() - WallClock::Time{}, milliseconds(250));
  EXPECT_EQ(steps, 5);
  pacer.wait_for(1, idle, [] { return false; });  // Already due: no wait.
  EXPECT_EQ(steps, 5);
  EXPECT_DOUBLE_EQ(pacer.elapsed_s(), 0.25);
}

TEST(Pacer, AnInterruptEndsTheWait) {
  FakeClock clock;
  Pacer pacer(clock, 100);
  pacer.start();
  int steps = 0;
  pacer.wait_for(
      1000, [&](milliseconds step) { ++steps, clock.wait(step); }, [&] { return steps == 3; });
  EXPECT_EQ(steps, 3);
  EXPECT_EQ(clock.now() - WallClock::Time{}, milliseconds(150));
}

TEST(Pacer, SaysHowFarARunIsBehind) {
  FakeClock clock;
  Pacer pacer(clock, 1000);                // A second per scenario hour.
  clock.advance(std::chrono::seconds(5));  // Before the start: not counted.
  pacer.start();
  clock.advance(std::chrono::seconds(10));
  EXPECT_DOUBLE_EQ(pacer.behind_h(4, 100), 6);
  EXPECT_DOUBLE_EQ(pacer.behind_h(12, 100), 0);           // Ahead is not behind.
  EXPECT_DOUBLE_EQ(pacer.behind_h(4, 8), 4);              // The pace stops at the end.
  EXPECT_DOUBLE_EQ(Pacer(clock, 0).behind_h(0, 100), 0);  // Unpaced.
}

TEST(Pacer, UnpacedNeverWaits) {
  FakeClock clock;
  Pacer pacer(clock, 0);
  pacer.start();
  pacer.wait_for(
      100, [](milliseconds) { ADD_FAILURE() << "idled"; }, [] { return false; });
  EXPECT_EQ(clock.now(), WallClock::Time{});
}

}  // namespace
}  // namespace tearline
