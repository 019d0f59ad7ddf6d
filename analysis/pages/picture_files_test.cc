#include "analysis/pages/picture_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "analysis/report/report_fixtures.h"

namespace tearline::pages {
namespace {

namespace fs = std::filesystem;

class PictureFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/picture-files-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(PictureFilesTest, AMapPerModeAndATimelinePerPlotEachStandingAlone) {
  const auto written = write_pictures(report::fixtures::load("manchester-2017-seed1"), dir_);
  ASSERT_EQ(written.size(), 4u);
  for (const char* name :
       {"map-bilateral.svg", "map-coordinated.svg", "timeline-plot.manchester-2017-05-22.svg",
        "timeline-plot.stpetersburg-2017-04-03.svg"}) {
    SCOPED_TRACE(name);
    const std::string svg = read(dir_ / name);
    EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_NE(svg.find("<style>"), std::string::npos);  // Its look travels with it.
    EXPECT_TRUE(svg.ends_with("</svg>\n"));
  }
}

TEST_F(PictureFilesTest, NamesFromTheScenarioStayInsideTheFolder) {
  v1::RunReport report = report::fixtures::load("manchester-2017-seed1");
  v1::ModeReport mode = report.modes().at("bilateral");
  report.mutable_modes()->clear();
  (*report.mutable_modes())["../../escape"] = mode;
  mode.mutable_plots(0)->set_id("/etc/passwd");
  const auto written = write_pictures(report, dir_);
  for (const fs::path& path : written) {
    EXPECT_EQ(path.parent_path(), dir_) << path;
    EXPECT_TRUE(fs::exists(path)) << path;
  }
  EXPECT_TRUE(fs::exists(dir_ / "map-_.._.._escape.svg"));
}

TEST_F(PictureFilesTest, AFolderThatCannotBeWrittenIsNamed) {
  try {
    write_pictures(report::fixtures::load("manchester-2017-seed1"), dir_ / "missing");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing/map-"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tearline::pages
