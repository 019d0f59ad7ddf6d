// The journal file (durability/journal.h): what was committed reads back; a torn
// last record ends the journal soundly wherever it was cut; damage anywhere
// else, a foreign header or junk is refused with the file and the offset.
#include "durability/journal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace tearline {
namespace {

namespace fs = std::filesystem;

v1::JournalHeader header_of(const std::string& node) {
  v1::JournalHeader header;
  header.set_format(kJournalFormat);
  header.set_node(node);
  header.set_mode("coordinated");
  header.set_seed(7);
  return header;
}

v1::JournalRecord frame_record(const std::string& from, const std::string& message_id) {
  v1::JournalRecord record;
  record.mutable_frame()->set_from(from);
  v1::Envelope* envelope = record.mutable_frame()->mutable_frame()->mutable_envelope();
  envelope->set_message_id(message_id);
  record.mutable_frame()->mutable_frame()->set_arrival_h(1.5);
  return record;
}

v1::JournalRecord window_record(double until_h) {
  v1::JournalRecord record;
  record.mutable_window()->set_until_h(until_h);
  return record;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tearline-journal-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    path_ = (dir_ / "broker.journal").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two commits: a frame and a window, then another frame and window.
  // Returns the file's size after each commit.
  std::pair<uint64_t, uint64_t> write_two_commits() {
    JournalWriter writer(path_, header_of("broker"), 0);
    writer.append(frame_record("agency.aa", "m1"));
    writer.append(window_record(2));
    writer.commit(100, "n");
    const uint64_t first = fs::file_size(path_);
    writer.append(frame_record("agency.bb", "m2"));
    writer.append(window_record(4));
    writer.commit(250, "n");
    return {first, fs::file_size(path_)};
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(JournalTest, WhatWasCommittedReadsBackInOrder) {
  write_two_commits();
  const JournalContents contents = read_journal(path_, header_of("broker"));
  ASSERT_EQ(contents.entries.size(), 6u);
  EXPECT_EQ(contents.committed, 6u);
  EXPECT_FALSE(contents.torn_tail);
  EXPECT_EQ(contents.entries[0].record.frame().frame().envelope().message_id(), "m1");
  EXPECT_EQ(contents.entries[2].record.commit().trace_bytes(), 100u);
  EXPECT_EQ(contents.entries[3].record.frame().from(), "agency.bb");
  EXPECT_EQ(contents.entries[5].record.commit().trace_bytes(), 250u);
  EXPECT_EQ(contents.entries[5].end_bytes, fs::file_size(path_));
}

TEST_F(JournalTest, TheFileIsPrivateToItsOwner) {
  write_two_commits();
  struct stat status {};
  ASSERT_EQ(::stat(path_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
}

TEST_F(JournalTest, AMissingJournalReadsAsEmpty) {
  const JournalContents contents = read_journal(path_, header_of("broker"));
  EXPECT_TRUE(contents.entries.empty());
  EXPECT_EQ(contents.committed, 0u);
}

TEST_F(JournalTest, ALastRecordCutAnywhereEndsTheJournalAtTheRecordBefore) {
  const auto [first_commit_bytes, all_bytes] = write_two_commits();
  const std::string whole = read_bytes(path_);
  const JournalContents intact = read_journal(path_, header_of("broker"));
  // Every cut inside the last record (the second commit record).
  const uint64_t last_start = intact.entries[4].end_bytes;
  for (uint64_t cut = last_start + 1; cut < all_bytes; ++cut) {
    write_bytes(path_, whole.substr(0, cut));
    const JournalContents contents = read_journal(path_, header_of("broker"));
    EXPECT_TRUE(contents.torn_tail) << "cut at " << cut;
    ASSERT_EQ(contents.entries.size(), 5u) << "cut at " << cut;
    // The records after the first commit are whole but not committed.
    EXPECT_EQ(contents.committed, 3u) << "cut at " << cut;
    EXPECT_EQ(contents.entries[2].end_bytes, first_commit_bytes);
  }
}

TEST_F(JournalTest, EveryCutOfTheFileReadsSoundly) {
  write_two_commits();
  const std::string whole = read_bytes(path_);
  for (size_t cut = 0; cut <= whole.size(); ++cut) {
    write_bytes(path_, whole.substr(0, cut));
    JournalContents contents;
    ASSERT_NO_THROW(contents = read_journal(path_, header_of("broker"))) << "cut at " << cut;
    EXPECT_LE(contents.committed, contents.entries.size());
    if (contents.committed > 0) {
      EXPECT_TRUE(contents.entries[contents.committed - 1].record.has_commit());
    }
  }
}

TEST_F(JournalTest, ALastRecordWithABadChecksumIsATornTail) {
  write_two_commits();
  std::string bytes = read_bytes(path_);
  bytes.back() = static_cast<char>(bytes.back() ^ 0x5a);
  write_bytes(path_, bytes);
  const JournalContents contents = read_journal(path_, header_of("broker"));
  EXPECT_TRUE(contents.torn_tail);
  EXPECT_EQ(contents.committed, 3u);
}

TEST_F(JournalTest, DamageBeforeTheLastRecordIsRefusedWithItsOffset) {
  write_two_commits();
  std::string bytes = read_bytes(path_);
  const JournalContents intact = read_journal(path_, header_of("broker"));
  // A byte inside the first frame record's payload.
  const size_t damaged = static_cast<size_t>(intact.entries[0].end_bytes) - 3;
  bytes[damaged] = static_cast<char>(bytes[damaged] ^ 0x01);
  write_bytes(path_, bytes);
  try {
    read_journal(path_, header_of("broker"));
    FAIL() << "a damaged record in the middle was accepted";
  } catch (const JournalError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find(path_), std::string::npos) << what;
    EXPECT_NE(what.find("checksum mismatch"), std::string::npos) << what;
    EXPECT_NE(what.find("corrupted at byte"), std::string::npos) << what;
  }
}

TEST_F(JournalTest, ARecordLongerThanTheLimitIsRefused) {
  write_two_commits();
  std::string bytes = read_bytes(path_);
  // The header record's length field, right after the magic.
  const uint32_t huge = kJournalRecordBytesMax + 1;
  for (int i = 0; i < 4; ++i) {
    bytes[kJournalMagic.size() + i] = static_cast<char>((huge >> (8 * i)) & 0xff);
  }
  write_bytes(path_, bytes);
  EXPECT_THROW(read_journal(path_, header_of("broker")), JournalError);
}

TEST_F(JournalTest, AnotherNodesJournalIsRefused) {
  write_two_commits();
  try {
    read_journal(path_, header_of("agency.aa"));
    FAIL() << "the broker's journal was read as agency.aa's";
  } catch (const JournalError& error) {
    EXPECT_NE(std::string(error.what()).find("belongs to broker"), std::string::npos)
        << error.what();
  }
}

TEST_F(JournalTest, AFileThatIsNotAJournalIsRefused) {
  write_bytes(path_, "{\"kind\":\"not a journal\"}\n");
  EXPECT_THROW(read_journal(path_, header_of("broker")), JournalError);
}

TEST_F(JournalTest, AWriterKeepsTheRecoveredPartAndDropsTheRest) {
  const auto [first_commit_bytes, all_bytes] = write_two_commits();
  {
    JournalWriter writer(path_, header_of("broker"), first_commit_bytes);
    writer.append(window_record(9));
    writer.commit(300, "n");
  }
  const JournalContents contents = read_journal(path_, header_of("broker"));
  ASSERT_EQ(contents.entries.size(), 5u);
  EXPECT_EQ(contents.entries[3].record.window().until_h(), 9);
  EXPECT_EQ(contents.entries[4].record.commit().trace_bytes(), 300u);
}

TEST_F(JournalTest, WrittenButUncommittedRecordsSurviveTheWriter) {
  {
    JournalWriter writer(path_, header_of("broker"), 0);
    writer.commit(0, "n");
    writer.append(frame_record("agency.aa", "m9"));
    writer.write();  // As a frame is written when it comes, without a sync.
  }
  const JournalContents contents = read_journal(path_, header_of("broker"));
  ASSERT_EQ(contents.entries.size(), 2u);
  EXPECT_EQ(contents.committed, 1u);
  EXPECT_EQ(contents.entries[1].record.frame().frame().envelope().message_id(), "m9");
}

TEST_F(JournalTest, AnUnwritableJournalIsAClearError) {
  try {
    JournalWriter writer((dir_ / "no-such-folder" / "broker.journal").string(), header_of("broker"),
                         0);
    FAIL() << "a journal in a missing folder was opened";
  } catch (const JournalError& error) {
    EXPECT_NE(std::string(error.what()).find("no-such-folder"), std::string::npos);
  }
}

}  // namespace
}  // namespace tearline
