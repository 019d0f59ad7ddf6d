// A standby's copy of the journal and the active member's stream of it: the
// copy is written in order, starts anew at offset 0, refuses gaps and
// oversize chunks, and ends byte for byte equal to the journal it copies.
#include "durability/journal_replica.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "durability/journal.h"
#include "durability/journal_stream.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

std::string contents_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class JournalReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tearline-replica-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(JournalReplicaTest, AStreamedJournalIsCopiedByteForByte) {
  const fs::path original = dir_ / "broker.journal";
  {
    std::ofstream out(original, std::ios::binary);
    for (int i = 0; i < 20'000; ++i) out << "record " << i << '\n';  // Several chunks.
  }
  const uint64_t size = fs::file_size(original);
  ASSERT_GT(size, 2 * kJournalChunkBytesMax);
  JournalStream stream(original.string(), "broker", "broker.b");
  JournalReplica copy((dir_ / "broker.b.journal").string());
  std::string error;
  // In two goes, as a journal grows.
  for (const uint64_t upto : {size / 3, size}) {
    for (const v1::Replication& message : stream.next_chunks(upto)) {
      ASSERT_TRUE(message.has_chunk());
      EXPECT_EQ(message.chunk().from_member(), "broker");
      EXPECT_LE(message.chunk().data().size(), kJournalChunkBytesMax);
      ASSERT_TRUE(copy.write(message.chunk().offset(), message.chunk().data(), &error)) << error;
    }
    EXPECT_EQ(copy.durable_bytes(), upto);
  }
  EXPECT_TRUE(stream.next_chunks(size).empty());
  EXPECT_EQ(contents_of(dir_ / "broker.b.journal"), contents_of(original));

  v1::ReplicaAck ack;
  ack.set_member("broker.b");
  ack.set_durable_bytes(size + 1);  // More than was sent: a stale copy's.
  stream.acknowledged(ack);
  EXPECT_EQ(stream.durable_bytes(), 0u);
  ack.set_member("broker.c");
  ack.set_durable_bytes(size);
  stream.acknowledged(ack);
  EXPECT_EQ(stream.durable_bytes(), 0u);
  ack.set_member("broker.b");
  stream.acknowledged(ack);
  EXPECT_EQ(stream.durable_bytes(), size);
}

TEST_F(JournalReplicaTest, ACopyStartsAnewAtOffsetZeroAndRefusesGaps) {
  const fs::path path = dir_ / "broker.b.journal";
  {
    std::ofstream out(path, std::ios::binary);
    out << "an older copy, longer than the new one";
  }
  JournalReplica copy(path.string());
  EXPECT_EQ(copy.durable_bytes(), fs::file_size(path));
  std::string error;
  EXPECT_FALSE(copy.write(3, "abc", &error));
  EXPECT_NE(error.find("at byte 3"), std::string::npos) << error;
  ASSERT_TRUE(copy.write(0, "new", &error)) << error;
  ASSERT_TRUE(copy.write(3, "er", &error)) << error;
  EXPECT_FALSE(copy.write(9, "x", &error));
  EXPECT_FALSE(copy.write(5, std::string(kJournalChunkBytesMax + 1, 'x'), &error));
  EXPECT_EQ(copy.durable_bytes(), 5u);
  EXPECT_EQ(contents_of(path), "newer");
}

TEST_F(JournalReplicaTest, AStreamOfAMissingJournalIsAClearError) {
  try {
    JournalStream stream((dir_ / "none.journal").string(), "broker", "broker.b");
    FAIL() << "no error";
  } catch (const JournalError& error) {
    EXPECT_NE(std::string(error.what()).find("none.journal"), std::string::npos);
  }
}

}  // namespace
}  // namespace tearline
