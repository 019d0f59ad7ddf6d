#include "node/fault_commands.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

TEST(FaultCommands, DescribesEachCommandWithItsParameters) {
  v1::ControlRequest request;
  request.mutable_partition()->add_peers("agency.us");
  request.mutable_partition()->add_peers("broker");
  EXPECT_EQ(describe_command(request), "partition agency.us broker");
  EXPECT_TRUE(is_fault_command(request));

  request.mutable_link()->set_peer("*");
  request.mutable_link()->set_delay_h(24);
  request.mutable_link()->set_loss_probability(0.5);
  EXPECT_EQ(describe_command(request), "link * delay_h=24 loss_probability=0.5");

  request.mutable_queue()->set_name("database@agency.uk");
  request.mutable_queue()->set_workers(0);
  EXPECT_EQ(describe_command(request), "queue database@agency.uk workers=0");

  request.mutable_status();
  EXPECT_FALSE(is_fault_command(request));
}

TEST(FaultCommands, LinkFaultTakesOnlyWhatIsSet) {
  v1::SetLink change;
  change.set_peer("agency.uk");
  change.set_jitter_h(2);
  const LinkFault fault = link_fault_from(change);
  EXPECT_EQ(fault.jitter_h, 2);
  EXPECT_EQ(fault.extra_delay_h, 0);
  EXPECT_FALSE(fault.loss_probability.has_value()) << "the model's loss stays";
  EXPECT_FALSE(fault.bandwidth_msgs_per_h.has_value());
  change.set_loss_probability(0);
  EXPECT_EQ(link_fault_from(change).loss_probability, 0.0) << "zero is a value, not unset";
}

TEST(FaultCommands, QueueChangeKeepsWhatItDoesNotSet) {
  QueueConfig config;
  config.workers = 3;
  config.capacity_msgs = 50;
  config.service.distribution = DelayModel::Distribution::kExponential;
  config.service.mean_h = 1;
  v1::SetQueue change;
  change.set_service_h(5);
  const QueueConfig changed = queue_config_with(config, change);
  EXPECT_EQ(changed.workers, 3u);
  EXPECT_EQ(changed.capacity_msgs, 50u);
  EXPECT_EQ(changed.service.distribution, DelayModel::Distribution::kNone);
  EXPECT_EQ(changed.service.fixed_h, 5);
}

}  // namespace
}  // namespace tearline
