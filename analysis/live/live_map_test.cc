#include "analysis/live/live_map.h"

#include <gtest/gtest.h>

#include <string>

namespace tearline::live {
namespace {

// A mode of `links` links from one agency to as many units.
v1::ModeReport mode_of_links(int links) {
  v1::ModeReport report;
  report.mutable_run()->add_agencies("agency.a");
  for (int i = 0; i < links; ++i) {
    v1::Handoff* handoff = report.add_handoffs();
    const std::string unit = "unit.u" + std::to_string(i);
    handoff->set_name("agency.a->" + unit);
    handoff->set_from("agency.a");
    handoff->set_to(unit);
    handoff->set_type("link");
    handoff->set_in(3);
    handoff->set_out(2);
    (*handoff->mutable_lost())["link-loss"] = 1;
    handoff->set_lost_total(1);
  }
  return report;
}

TEST(LiveMapTest, AMapIsSentWhole) {
  const LiveMap map = live_map(mode_of_links(3), "coordinated");
  EXPECT_NE(map.svg.find("data-mode=\"coordinated\""), std::string::npos);
  EXPECT_NE(map.svg.find("data-handoff=\"agency.a-&gt;unit.u2\""), std::string::npos) << map.svg;
  EXPECT_TRUE(map.note.empty());
}

TEST(LiveMapTest, AMapOverTheBoundIsNotSentAndSaysSo) {
  const LiveMap map = live_map(mode_of_links(4000), "bilateral");
  EXPECT_TRUE(map.svg.empty());
  EXPECT_NE(map.note.find("too large"), std::string::npos) << map.note;
}

}  // namespace
}  // namespace tearline::live
