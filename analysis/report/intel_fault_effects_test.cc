// A fault aimed at intelligence in the report's faults: charged with the
// events that carry its name, and only those.
#include <gtest/gtest.h>

#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;

TEST(IntelFaultEffects, TheEventsCarryingItsNameAreCharged) {
  const json us = {{"node", "agency.us"}};
  const json mode = testing::mode_json(events_of({
      line("fault", "", "", 0,
           {{"node", "agency.us"}, {"fault", "lose report m1"}, {"by", "schedule"}}),
      line("fault", "", "", 0,
           {{"node", "agency.us"}, {"fault", "delay subject s delay_h=5"}, {"by", "schedule"}}),
      line("created", "m1", "source@agency.us", 1, us),
      line("lost", "m1", "fault@agency.us", 2,
           {{"node", "agency.us"}, {"reason", "fault:lost"}, {"fault", "lose report m1"}}),
      line("created", "m2", "source@agency.us", 1, us),
      line("lost", "m2", "fault@agency.us", 2, {{"node", "agency.us"}, {"reason", "fault:lost"}}),
      line("created", "m3", "source@agency.us", 1, us),
      line("created", "m3>broker", "agency.us->broker", 8,
           {{"node", "agency.us"}, {"parent", "m3"}, {"fault", "delay subject s delay_h=5"}}),
      line("lost", "m3>broker", "agency.us->broker", 9, {{"node", "agency.us"}}),
      line("lost", "m3", "database@agency.us", 9, us),
  }));
  ASSERT_EQ(mode["faults"].size(), 2u) << mode["faults"];
  const json& lose = mode["faults"][0];
  EXPECT_EQ(lose["fault"], "lose report m1");
  EXPECT_EQ(lose["lost"], json({{"fault:lost", 1}}));  // m2's loss names no fault.
  EXPECT_FALSE(lose.contains("until_h")) << lose;
  const json& delay = mode["faults"][1];
  EXPECT_EQ(delay["delayed"], 1);
  EXPECT_TRUE(delay["lost"].empty()) << delay;  // m3>broker's loss came later.
}

}  // namespace
}  // namespace tearline::report
