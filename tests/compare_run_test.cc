// `tearline compare` on real runs: manchester-2017 and its full-sharing
// variant, seed 1, each run in process (a few seconds), then compared from
// the command line; and the command's exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

// The runs are made once for the whole binary.
class CompareRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    for (const auto& [scenario, out] :
         {std::pair{"manchester-2017", "a"}, std::pair{"manchester-2017-full-sharing", "b"}}) {
      const Finished run =
          run_tearline({"run", scenario, "--in-process", "--seed", "1", "--scale", "0", "--out",
                        (dir_->path() / out).string(), "--quiet", "--no-html"},
                       dir_->path());
      ASSERT_EQ(run.exit_code, 0) << scenario << ": " << run.err;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path run(const char* name) { return dir_->path() / name; }
  static Finished compare(const std::vector<std::string>& args) {
    std::vector<std::string> command = {"compare"};
    command.insert(command.end(), args.begin(), args.end());
    return run_tearline(command, dir_->path(), std::chrono::seconds(60));
  }

  static TempDir* dir_;
};

TempDir* CompareRunTest::dir_ = nullptr;

TEST_F(CompareRunTest, NamesManchestersBilateralChangeAndTheHandoffsThatChangedMost) {
  const Finished text = compare({run("a").string(), run("b").string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string& out = text.out;
  const size_t bilateral = out.find("bilateral: A -> B");
  ASSERT_NE(bilateral, std::string::npos) << out;
  const size_t manchester = out.find("plot.manchester-2017-05-22", bilateral);
  ASSERT_NE(manchester, std::string::npos) << out;
  const std::string line = out.substr(manchester, out.find('\n', manchester) - manchester);
  EXPECT_NE(line.find("not averted -> averted, lead "), std::string::npos) << out;
  const size_t handoffs = out.find("  Handoffs", bilateral);
  const size_t first_row = out.find('\n', out.find("handoff", handoffs)) + 1;
  EXPECT_EQ(out.compare(first_row, 22, "    database@agency.uk"), 0) << out;
  EXPECT_NE(out.find("! different scenarios (manchester-2017, manchester-2017-full-sharing)"),
            std::string::npos);

  const fs::path json_path = run("comparison.json");
  const Finished json =
      compare({run("a").string(), run("b").string(), "--json", json_path.string()});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json comparison = read_json(json_path);
  const nlohmann::json& mode = comparison["modes"][0];
  EXPECT_EQ(mode["mode_a"], "bilateral");
  EXPECT_EQ(mode["plots"][0]["id"], "plot.manchester-2017-05-22");
  EXPECT_EQ(mode["plots"][0]["outcome"], "NOW_AVERTED");
  EXPECT_EQ(mode["handoffs"][0]["name"], "database@agency.uk");
  EXPECT_EQ(mode["handoffs"][0]["lost"]["delta"], "-161");
}

TEST_F(CompareRunTest, ARunWithoutReportJsonIsComparedFromItsTraces) {
  const fs::path traces_only = run("b-traces-only");
  fs::copy(run("b"), traces_only, fs::copy_options::recursive);
  fs::remove(traces_only / "report.json");
  const Finished from_report = compare({run("a").string(), run("b").string()});
  const Finished from_traces = compare({run("a").string(), traces_only.string()});
  ASSERT_EQ(from_traces.exit_code, 0) << from_traces.err;
  // The same comparison but for B's path.
  const auto without_b_line = [](const std::string& text) {
    const size_t b_line = text.find("\n  B: ") + 1;
    return text.substr(0, b_line) + text.substr(text.find('\n', b_line));
  };
  EXPECT_EQ(without_b_line(from_traces.out), without_b_line(from_report.out));
}

TEST_F(CompareRunTest, ARunComparedWithItselfHasNoChanges) {
  const Finished same = compare({run("a").string(), run("a").string()});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  size_t no_changes = 0;
  for (size_t at = same.out.find("No changes"); at != std::string::npos;
       at = same.out.find("No changes", at + 1)) {
    ++no_changes;
  }
  EXPECT_EQ(no_changes, 2u) << same.out;  // Both modes.
}

TEST_F(CompareRunTest, TheTwoModesOfOneRun) {
  const fs::path html = run("modes.html");
  const Finished modes = compare({run("a").string(), "--modes", "--html", html.string()});
  ASSERT_EQ(modes.exit_code, 0) << modes.err;
  const std::string page = slurp(html);
  EXPECT_NE(page.find("bilateral (A) &rarr; coordinated (B)"), std::string::npos);
  EXPECT_NE(page.find("not averted -&gt; averted, lead 15d"), std::string::npos);
}

TEST_F(CompareRunTest, ABrokenReportIsExit1NamingTheFileAndBadUsageExit2) {
  const fs::path broken = run("broken.report.json");
  std::ofstream(broken) << R"({"modes": {"bilateral": {"handoffs": [{"in": "many"}]}}})";
  const Finished unreadable = compare({run("a").string(), broken.string()});
  EXPECT_EQ(unreadable.exit_code, 1);
  EXPECT_NE(unreadable.err.find(broken.string()), std::string::npos) << unreadable.err;
  EXPECT_TRUE(unreadable.out.empty()) << unreadable.out;

  EXPECT_EQ(compare({run("a").string()}).exit_code, 2);
  EXPECT_EQ(compare({run("a").string(), run("b").string(), "--modes"}).exit_code, 2);
  EXPECT_EQ(compare({}).exit_code, 2);
}

}  // namespace
}  // namespace tearline::testing
