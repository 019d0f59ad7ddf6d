#include "trace/message_json.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "tearline/v1/trace.pb.h"

namespace tearline {
namespace {

v1::RunInfo small_run() {
  v1::RunInfo run;
  run.set_scenario("small");
  run.set_seed(18'446'744'073'709'551'615ULL);  // 2^64 - 1: beyond a double's integers.
  run.set_duration_h(240);
  run.set_start_iso("2020-01-01T00:00:00Z");
  v1::RunInfo::Plot* plot = run.add_plots();
  plot->set_id("plot.north-1");
  plot->set_area("north");
  plot->set_attack_h(200.5);
  plot->add_trace_ids("aa-north-1");
  v1::RunInfo::Unit* unit = run.add_units();
  unit->set_name("unit.north");
  unit->set_area("north");
  unit->set_response_h(24);
  run.add_agencies("agency.aa");
  return run;
}

TEST(MessageJson, EveryFieldSortedWithWholeIntegersAndDecimalDoubles) {
  EXPECT_EQ(message_json(small_run()).dump(),
            R"({"agencies":["agency.aa"],"duration_h":240.0,)"
            R"("plots":[{"area":"north","attack_h":200.5,"id":"plot.north-1",)"
            R"("trace_ids":["aa-north-1"]}],"scenario":"small",)"
            R"("seed":18446744073709551615,"start_iso":"2020-01-01T00:00:00Z",)"
            R"("units":[{"agency":"","area":"north","name":"unit.north","response_h":24.0}]})");
}

TEST(MessageJson, AnEmptyMessageStillNamesEveryField) {
  const nlohmann::json json = message_json(v1::RunInfo());
  EXPECT_EQ(json.size(), static_cast<size_t>(v1::RunInfo::descriptor()->field_count()));
  EXPECT_TRUE(json.at("plots").is_array());
  EXPECT_EQ(json.at("seed"), 0);
}

TEST(MessageJson, ProtobufsParserReadsItBackWhole) {
  const v1::RunInfo run = small_run();
  v1::RunInfo read;
  const auto status = google::protobuf::util::JsonStringToMessage(message_json(run).dump(), &read);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(run, read))
      << read.DebugString();
}

}  // namespace
}  // namespace tearline
