#include "base/whole_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace tearline {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("whole_file_test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(WholeFile, WritesAndReplacesARegularFile) {
  const fs::path file = fresh_dir("regular") / "answer.json";
  EXPECT_EQ(write_whole_file(file, "one"), "");
  EXPECT_EQ(write_whole_file(file, "two"), "");
  EXPECT_EQ(fs::file_size(file), 3u);
  EXPECT_FALSE(fs::exists(file.string() + ".partial"));
}

// A pipe or a device (/dev/stdout) is written into, not replaced by the
// rename (which, run as root, put a regular file in place of /dev/full).
TEST(WholeFile, WritesIntoAPipeAndDoesNotReplaceIt) {
  const fs::path dir = fresh_dir("fifo");
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // O_RDWR: a reader is there, so neither side's open blocks.
  const int reader = open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  EXPECT_EQ(write_whole_file(fifo, "text"), "");
  char read_back[8] = {};
  EXPECT_EQ(read(reader, read_back, sizeof read_back), 4);
  EXPECT_STREQ(read_back, "text");
  close(reader);
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_FALSE(fs::exists(fifo.string() + ".partial"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tearline
