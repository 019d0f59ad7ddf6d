#include "base/whole_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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

// A pipe (as a device would) stays what it is: the rename would have put a
// regular file in its place.
TEST(WholeFile, RefusesToReplaceWhatIsNotARegularFile) {
  const fs::path dir = fresh_dir("fifo");
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(write_whole_file(fifo, "text"),
            "cannot write " + fifo.string() + ": not a regular file");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(write_whole_file(dir, "text"), "cannot write " + dir.string() + ": not a regular file");
  EXPECT_TRUE(fs::is_directory(dir));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tearline
