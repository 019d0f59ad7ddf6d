#include "analysis/report/exposure.h"

#include <gtest/gtest.h>

#include "analysis/report/test_support.h"

namespace tearline::report {
namespace {

using testing::events_of;
using testing::json;
using testing::line;

json source(const std::string& node, const std::string& kind, const std::string& agency,
            const std::string& handle) {
  return {{"node", node}, {"source_kind", kind}, {"source_agency", agency}, {"source", handle}};
}

TEST(SourceExposure, CountsNodesThatReceivedAnotherAgencysTrueHandle) {
  const json exposure = testing::mode_json(events_of({
      line("received", "m1", "agency.us->agency.uk", 1,
           source("agency.uk", "handle", "agency.us", "us-asset-7")),
      line("received", "m2", "agency.uk->unit.manchester", 2,
           source("unit.manchester", "handle", "agency.us", "us-asset-9")),
      line("received", "m3", "agency.uk->unit.manchester", 3,
           source("unit.manchester", "handle", "agency.us", "us-asset-7")),
      line("received", "m4", "agency.uk->unit.manchester", 4,
           source("unit.manchester", "handle", "agency.us", "us-asset-7")),
      // Its own source, a pseudonym, a sealed source, and a handle not received: none count.
      line("received", "m5", "broker->agency.us", 5,
           source("agency.us", "handle", "agency.us", "us-asset-7")),
      line("received", "m6", "broker->unit.leeds", 6,
           source("unit.leeds", "pseudonym", "agency.us", "p-1f3a")),
      line("received", "m7", "agency.us->broker", 7,
           source("broker", "sealed", "agency.us", "c2VhbGVk")),
      line("created", "m8", "source@agency.us", 8,
           source("agency.fr", "handle", "agency.us", "us-asset-7")),
  }))["exposure"];
  EXPECT_EQ(exposure["nodes"], 2);
  EXPECT_EQ(exposure["source_handles_seen_by"],
            json::parse(R"({"agency.uk": {"handles": ["us-asset-7"]},
                      "unit.manchester": {"handles": ["us-asset-7", "us-asset-9"]}})"));
}

TEST(SourceExposure, NoneSeenIsZeroNodes) {
  const json exposure = testing::mode_json(std::vector<Event>())["exposure"];
  EXPECT_EQ(exposure["nodes"], 0);
  EXPECT_EQ(exposure["source_handles_seen_by"], json::object());
}

}  // namespace
}  // namespace tearline::report
