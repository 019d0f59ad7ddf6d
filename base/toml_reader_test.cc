// The TOML reader: unknown keys refused with a "did you mean", typed and
// bounded values, and every error naming file, line and dotted key.
#include "base/toml_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tearline {
namespace {

// The message of the TomlError `read` throws, or "" if it throws none.
template <typename Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const TomlError& error) {
    return error.what();
  }
  return "";
}

TEST(TomlReaderTest, ReadsTypedValuesWithinTheirBounds) {
  const toml::table document =
      parse_toml("[queue]\nworkers = 3\nshare = 0.25\non = true\nname = \"desk\"\n", "q.toml");
  const TomlTable root("q.toml", document, "", {"queue"});
  const TomlTable queue = root.required_table("queue", {"workers", "share", "on", "name", "ttl_h"});
  EXPECT_EQ(queue.bounded_integer("workers", 1, 10), 3);
  EXPECT_EQ(queue.bounded_number("share", NumberBound::kProbability), 0.25);
  EXPECT_EQ(queue.bounded_number("ttl_h", NumberBound::kPositive, 48.0), 48.0);
  EXPECT_EQ(queue.boolean("on"), true);
  EXPECT_EQ(queue.choice<int>("name", {{"desk", 1}, {"database", 2}}), 1);
  EXPECT_EQ(queue.key_path("workers"), "queue.workers");
}

TEST(TomlReaderTest, ErrorsNameFileLineAndKey) {
  const toml::table document =
      parse_toml("[queue]\nworkers = 0\nshare = 2\nwokers = 1\n", "q.toml");
  const TomlTable root("q.toml", document, "", {"queue"});
  EXPECT_EQ(error_of([&] {
              root.required_table("queue", {"workers", "share"});
            }),
            "q.toml:4: queue.wokers: unknown key \"wokers\" (did you mean \"workers\"?)");
  const TomlTable queue = root.required_table("queue", {"workers", "share", "wokers"});
  EXPECT_EQ(error_of([&] { queue.bounded_integer("workers", 1, 10); }),
            "q.toml:2: queue.workers: must be at least 1");
  EXPECT_EQ(error_of([&] { queue.bounded_number("share", NumberBound::kProbability); }),
            "q.toml:3: queue.share: must be a probability between 0 and 1, got 2");
  EXPECT_EQ(error_of([&] { queue.string("share"); }),
            "q.toml:3: queue.share: expected a string, got an integer");
  EXPECT_EQ(error_of([&] { parse_toml("[queue\n", "q.toml"); }).substr(0, 11), "q.toml:1:7:");
}

TEST(TomlReaderTest, ATableOfNamesTakesAnyKeyAndQuotesIt) {
  const toml::table document = parse_toml("[node.\"agency.uk\"]\ndata = 1\n", "h.toml");
  const TomlTable nodes = TomlTable::of_names("h.toml", *document["node"].as_table(), "node");
  ASSERT_EQ(nodes.keys(), std::vector<std::string>{"agency.uk"});
  const TomlTable node = nodes.required_table("agency.uk", {"data"});
  EXPECT_EQ(error_of([&] { node.string("data"); }),
            "h.toml:2: node.\"agency.uk\".data: expected a string, got an integer");
}

TEST(TomlReaderTest, DateTimesAreUnixSecondsAndDatesAreMidnightUtc) {
  const toml::table document =
      parse_toml("at = 1970-01-02T01:00:00+01:00\nday = 1970-01-02\n", "t.toml");
  const TomlTable root("t.toml", document, "", {"at", "day"});
  EXPECT_EQ(root.time_s("at"), 86'400.0);
  EXPECT_EQ(root.time_s("day"), 86'400.0);
}

TEST(TomlReaderTest, AFileThatIsNotThereIsNamed) {
  const std::string path = (std::filesystem::temp_directory_path() / "no-such-file.toml").string();
  EXPECT_EQ(error_of([&] { read_toml_file(path, "hosts file"); }),
            path + ": cannot read hosts file: no such file");
}

// A file of 100 MB was read whole (twice its size in memory) before a word
// of it was parsed.
TEST(TomlReaderTest, AFileLargerThanTheBoundIsRefusedUnread) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "toml-too-large.toml").string();
  std::filesystem::remove(path);
  std::ofstream(path) << "# sparse\n";
  std::filesystem::resize_file(path, kTomlFileBytesMax + 1);
  EXPECT_EQ(error_of([&] { read_toml_file(path, "scenario file"); }),
            path + ": cannot read scenario file: larger than 16 MiB");
  std::filesystem::resize_file(path, 0);  // Within it, the file is read.
  EXPECT_EQ(error_of([&] { read_toml_file(path, "scenario file"); }), "");
  std::filesystem::remove(path);
}

TEST(TomlReaderTest, DidYouMeanListsTheCandidatesWhenNoneIsNear) {
  EXPECT_EQ(did_you_mean("fifo", {"fifa", "lifo"}, "one of"), " (did you mean \"fifa\"?)");
  EXPECT_EQ(did_you_mean("zzz", {"a", "b"}, "one of"), " (one of: a, b)");
  EXPECT_EQ(did_you_mean("zzz", {}, "one of"), "");
}

}  // namespace
}  // namespace tearline
