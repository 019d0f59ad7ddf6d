// A bad scenario: exit code 2, and a message naming file, line and key.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "tests/child.h"

namespace tearline::testing {
namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(BadScenario, UnknownKeyExitsTwoNamingFileLineAndKey) {
  TempDir dir;
  const auto path = dir.path() / "broken.toml";
  std::ifstream small(source_dir() + "/scenarios/small.toml");
  std::string text((std::istreambuf_iterator<char>(small)), std::istreambuf_iterator<char>());
  // An unknown key on a line of its own at the very top of the [scenario] table.
  const size_t at = text.find("[scenario]");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + std::string("[scenario]").size(), "\nspeed_of_light = 3");
  write(path, text);
  const int line =
      1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) +
      1;

  const Finished finished =
      run_tearline({"run", path.string(), "--out", (dir.path() / "run").string()}, dir.path());
  EXPECT_EQ(finished.exit_code, 2);
  EXPECT_NE(finished.err.find("broken.toml:" + std::to_string(line)), std::string::npos)
      << finished.err;
  EXPECT_NE(finished.err.find("speed_of_light"), std::string::npos) << finished.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "run" / "report.json"));
}

TEST(BadScenario, EveryShippedBadScenarioExitsTwo) {
  TempDir dir;
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_dir() + "/tests/scenarios/bad")) {
    ++files;
    const Finished finished = run_tearline({"run", entry.path().string(), "--quiet"}, dir.path());
    EXPECT_EQ(finished.exit_code, 2) << entry.path();
    EXPECT_NE(finished.err.find(entry.path().filename().string() + ":"), std::string::npos)
        << finished.err;
  }
  EXPECT_GE(files, 3);
}

TEST(BadScenario, MissingFileExitsTwo) {
  TempDir dir;
  const Finished finished = run_tearline({"run", "no-such-scenario"}, dir.path());
  EXPECT_EQ(finished.exit_code, 2);
  EXPECT_NE(finished.err.find("no-such-scenario"), std::string::npos) << finished.err;
}

TEST(BadUsage, ARunDirectoryThatHoldsFilesExitsTwoAndIsLeftAlone) {
  TempDir dir;
  const auto run = dir.path() / "run";
  std::filesystem::create_directories(run);
  write(run / "notes.txt", "mine");
  const Finished finished = run_tearline({"run", "small", "--out", run.string()}, dir.path());
  EXPECT_EQ(finished.exit_code, 2);
  EXPECT_NE(finished.err.find("not empty"), std::string::npos) << finished.err;
  EXPECT_FALSE(std::filesystem::exists(run / "scenario.toml"));
}

TEST(BadUsage, UnknownModeExitsTwo) {
  TempDir dir;
  EXPECT_EQ(run_tearline({"run", "small", "--mode", "sideways"}, dir.path()).exit_code, 2);
}

}  // namespace
}  // namespace tearline::testing
