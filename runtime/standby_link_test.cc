// A centre's two members over real CURVE ipc sockets: the active one
// streams its journal and holds back until the passive one holds it too.
#include "runtime/standby_link.h"

#include <gtest/gtest.h>

#include <fstream>

#include "runtime/runtime_test_support.h"

namespace tearline {
namespace {

using testing::quiet_log;
using testing::read_file;

// One member process of the centre "broker", whose standby is "broker.b".
struct Member {
  Member(const testing::RunFolder& run, const std::string& member, std::string journal_path)
      : key(run.key("broker")),
        sockets(run.scenario, "broker", member, key, run.public_keys, run.endpoints(), quiet_log()),
        link("broker", member, other_member_of(run.scenario, "broker", member),
             std::move(journal_path), sockets, quiet_log()) {}
  ~Member() {
    link.close();
    sockets.close();
  }

  // The next Replication message on this member's data socket.
  StandbyLink::Received receive(bool started) {
    EXPECT_TRUE(testing::await_message(sockets.data()));
    zmq::message_t message;
    EXPECT_TRUE(sockets.data().recv(message, zmq::recv_flags::none));
    // Only a member of the centre holds the centre's key.
    EXPECT_EQ(authenticated_member(message), "broker");
    return link.receive(message, started);
  }

  MemberKey key;
  NodeSockets sockets;
  StandbyLink link;
};

class StandbyLinkTest : public ::testing::Test {
 protected:
  StandbyLinkTest()
      : run_("scenarios/manchester-2017-centre-down.toml"),
        journal_(run_.dir.path() / "broker.journal"),
        copy_(run_.dir.path() / "broker.b.journal") {
    std::ofstream(journal_, std::ios::binary) << "the centre's journal";
  }

  testing::RunFolder run_;
  std::filesystem::path journal_, copy_;
};

TEST_F(StandbyLinkTest, TheActiveMemberHoldsUntilThePassiveOneHoldsTheJournal) {
  Member active(run_, "broker", journal_.string());
  Member passive(run_, "broker.b", copy_.string());
  ASSERT_EQ(active.link.start_stream("broker.b", /*active=*/true), "");
  EXPECT_TRUE(active.link.streams_to("broker.b"));
  EXPECT_FALSE(active.link.holding());
  const uint64_t written_bytes = std::filesystem::file_size(journal_);
  active.link.committed(written_bytes);
  EXPECT_TRUE(active.link.holding());

  const StandbyLink::Received chunk = passive.receive(/*started=*/false);
  EXPECT_FALSE(chunk.rejection);
  EXPECT_FALSE(chunk.acknowledged);
  EXPECT_EQ(passive.link.replica_bytes(), written_bytes);
  EXPECT_EQ(read_file(copy_), read_file(journal_));

  const StandbyLink::Received ack = active.receive(/*started=*/true);
  EXPECT_TRUE(ack.acknowledged);
  EXPECT_FALSE(active.link.holding());
}

TEST_F(StandbyLinkTest, AChunkToTheActiveMemberIsRejected) {
  Member active(run_, "broker", journal_.string());
  Member passive(run_, "broker.b", copy_.string());
  // The passive member streams too, as a member that wrongly believes
  // itself active would: the active member refuses its chunks.
  std::ofstream(copy_, std::ios::binary) << "old copy";
  ASSERT_EQ(passive.link.start_stream("broker", /*active=*/true), "");
  passive.link.committed(3);
  const StandbyLink::Received chunk = active.receive(/*started=*/true);
  ASSERT_TRUE(chunk.rejection);
  EXPECT_EQ(chunk.rejection->reason, "rejected:journal-chunk-to-active-member");
  EXPECT_EQ(chunk.rejection->claimed, "broker.b");
  EXPECT_FALSE(active.link.replica_bytes());
}

TEST_F(StandbyLinkTest, StreamsOnlyFromTheActiveMemberToTheOther) {
  Member active(run_, "broker", journal_.string());
  EXPECT_EQ(active.link.start_stream("agency.uk", true), "the journal streams only to broker.b");
  EXPECT_EQ(active.link.start_stream("broker.b", false),
            "only the active member streams its journal");
  EXPECT_FALSE(active.link.streams_to("broker.b"));
  EXPECT_EQ(active.link.start_stream("", true), "");
}

TEST_F(StandbyLinkTest, UnreadableReplicationIsRejected) {
  Member passive(run_, "broker.b", copy_.string());
  const zmq::message_t junk(std::string("\xff\xff", 2));
  const StandbyLink::Received received = passive.link.receive(junk, false);
  ASSERT_TRUE(received.rejection);
  EXPECT_EQ(received.rejection->reason, "rejected:replication-unreadable");
  EXPECT_EQ(received.rejection->claimed, "broker");
}

}  // namespace
}  // namespace tearline
