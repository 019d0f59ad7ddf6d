#include "analysis/compare/load_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/report/report.h"

namespace tearline::compare {
namespace {

namespace fs = std::filesystem;

const fs::path kFixture =
    fs::path(TEARLINE_SOURCE_DIR) / "tests/data/reports/manchester-2017-seed1.report.json";

class LoadReportTest : public ::testing::Test {
 protected:
  LoadReportTest()
      : dir_(fs::temp_directory_path() /
             ("tearline-load-report-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~LoadReportTest() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  // The ReportError message load_report(path) throws; "" if none.
  static std::string error_of(const std::string& path) {
    try {
      load_report(path, nullptr);
    } catch (const ReportError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(LoadReportTest, AReportJsonFileOrARunDirectoryHoldingOne) {
  const NamedReport from_file = load_report(kFixture.string(), nullptr);
  EXPECT_EQ(from_file.path, kFixture.string());
  EXPECT_EQ(from_file.report.modes().size(), 2u);

  fs::create_directories(dir_ / "run");
  fs::copy_file(kFixture, dir_ / "run" / "report.json");
  const NamedReport from_dir = load_report((dir_ / "run").string(), nullptr);
  EXPECT_EQ(from_dir.path, (dir_ / "run").string());
  EXPECT_EQ(from_dir.report.seed(), 1u);
}

TEST_F(LoadReportTest, AReportJsonOfAnotherVersionSaysHowToMakeItAgain) {
  // A report.json of before the RunReport: exposure lists the proto has not.
  const std::string path = write("old/report.json", R"({
    "run_dir": "x", "modes": {"bilateral": {
      "exposure": {"source_handles_seen_by": {"agency.us": ["h1", "h2"]}, "nodes": 1}}}})");
  const std::string run = fs::path(path).parent_path().string();
  try {
    load_report(run, nullptr);
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("tearline report " + run + " --json > " + path),
              std::string::npos)
        << e.what();
  }
}

TEST_F(LoadReportTest, BrokenOrHostileFilesAreRefusedNamingTheFile) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  for (const auto& [name, text] :
       {std::pair{"broken.json", std::string(R"({"modes": )")},
        std::pair{"schema.json", std::string(R"({"modes": {"bilateral": {"colour": 1}}})")},
        std::pair{"array.json", std::string("[1, 2]")}, std::pair{"deep.json", deep},
        std::pair{"deep-object.json", R"({"modes": )" + deep + "}"},
        std::pair{"empty.json", std::string()}}) {
    SCOPED_TRACE(name);
    const std::string path = write(name, text);
    const std::string error = error_of(path);
    EXPECT_NE(error.find(path), std::string::npos) << error;
  }
}

TEST_F(LoadReportTest, AMissingPathOrARunWithoutTracesIsNamed) {
  const std::string missing = (dir_ / "no-such-run").string();
  EXPECT_NE(error_of(missing).find(missing), std::string::npos) << error_of(missing);
  const std::string empty_run = (dir_ / "empty-run").string();
  fs::create_directories(empty_run);
  EXPECT_NE(error_of(empty_run).find(empty_run), std::string::npos) << error_of(empty_run);
}

}  // namespace
}  // namespace tearline::compare
