// `tearline explain` end to end on the default scenario, in process and
// with few seeds and runs (--seeds, --max-runs): over seeds 1-2 it names
// agency.us's trust in agency.uk (full sharing of the insider report) as a
// change that averts Manchester bilaterally, and gives the same answer at
// any --jobs; at the default seeds (1-5) it says in how many; it says
// plainly when no change tried averts St Petersburg; bad usage is exit 2,
// a run stopped at its timeout is exit 1, said as such, as is an answer
// stdout does not take, and Ctrl-C stops it with exit 130 and no answer.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManchester = "plot.manchester-2017-05-22";

std::vector<std::string> explain_args(const fs::path& out, const std::string& plot,
                                      std::vector<std::string> extra,
                                      const std::string& seeds = "1-2") {
  std::vector<std::string> args = {"explain", "manchester-2017", "--plot",  plot,
                                   "--mode",  "bilateral",       "--seeds", seeds,
                                   "--out",   out.string(),      "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(Explain, NamesFullSharingOfTheInsiderReportAndAnswersTheSameAtAnyJobs) {
  TempDir dir;
  const Finished two = run_tearline(explain_args(dir.path() / "two", kManchester,
                                                 {"--max-runs", "10", "--jobs", "2", "--json",
                                                  (dir.path() / "two.json").string()}),
                                    dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.out.find("seeds 1-2: not averted in any of the 2 seeds"), std::string::npos)
      << two.out;
  EXPECT_NE(two.out.find("agency.us shares with agency.uk in full (trust 0.7 -> 0.9, its "
                         "full_trust_min for insider reports)"),
            std::string::npos)
      << two.out;
  EXPECT_NE(two.out.find("--set agency[agency.us].partner[agency.uk].trust=0.9"), std::string::npos)
      << two.out;
  EXPECT_NE(two.out.find(" runs; --max-runs counts candidates x seeds)"), std::string::npos)
      << two.out;

  const nlohmann::json answer = nlohmann::json::parse(slurp(dir.path() / "two.json"));
  EXPECT_EQ(answer["seeds"].size(), 2u);
  EXPECT_FALSE(answer.contains("lose"));
  ASSERT_EQ(answer["changes"].size(), 5u);
  for (const nlohmann::json& change : answer["changes"]) EXPECT_EQ(change["runs"].size(), 2u);
  ASSERT_FALSE(answer["avert"]["answers"].empty());
  bool named = false;
  for (const nlohmann::json& flip : answer["avert"]["answers"]) {
    EXPECT_GT(flip["min_lead_time_h"].get<double>(), 0);
    const nlohmann::json& change = answer["changes"][flip["candidate"].get<int>() - 1];
    named = named || change["overrides"][0]["path"] == "agency[agency.us].partner[agency.uk].trust";
  }
  EXPECT_TRUE(named) << answer.dump(1);

  const Finished one = run_tearline(explain_args(dir.path() / "one", kManchester,
                                                 {"--max-runs", "10", "--jobs", "1", "--json",
                                                  (dir.path() / "one.json").string()}),
                                    dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(slurp(dir.path() / "one.json"), slurp(dir.path() / "two.json"));
}

// Issue 23's done-when at the default seeds (1-5), the runs bounded to the
// first 5 candidates (the trust change is the 5th): 30 runs.
TEST(Explain, AtTheDefaultSeedsSaysInHowManyTheTrustChangeAvertsIt) {
  TempDir dir;
  const Finished finished =
      run_tearline({"explain", "manchester-2017", "--plot", kManchester, "--mode", "bilateral",
                    "--max-runs", "25", "--out", (dir.path() / "out").string(), "--quiet"},
                   dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_NE(finished.out.find("seeds 1-5: not averted in any of the 5 seeds"), std::string::npos)
      << finished.out;
  EXPECT_NE(finished.out.find("agency.us shares with agency.uk in full (trust 0.7 -> 0.9, its "
                              "full_trust_min for insider reports)\n     averts it in 5 of the 5 "
                              "seeds where it was not averted"),
            std::string::npos)
      << finished.out;
}

TEST(Explain, SaysPlainlyWhenNoChangeTriedAvertsIt) {
  TempDir dir;
  const Finished finished =
      run_tearline(explain_args(dir.path() / "out", "plot.stpetersburg-2017-04-03",
                                {"--max-runs", "4", "--jobs", "2"}),
                   dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_NE(finished.out.find("none of the 2 single changes tried averts it in any of the 2 seeds"),
            std::string::npos)
      << finished.out;
}

TEST(Explain, BadUsageIsExit2AndATimedOutRunExit1) {
  TempDir dir;
  const Finished unknown =
      run_tearline(explain_args(dir.path() / "a", "plot.nowhere", {}), dir.path());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("has no plot plot.nowhere"), std::string::npos) << unknown.err;
  const Finished mode = run_tearline(
      {"explain", "manchester-2017", "--plot", kManchester, "--mode", "both"}, dir.path());
  EXPECT_EQ(mode.exit_code, 2);
  const Finished timed_out = run_tearline(
      explain_args(dir.path() / "b", kManchester, {"--timeout-s", "0.001"}), dir.path());
  EXPECT_EQ(timed_out.exit_code, 1);
  EXPECT_NE(timed_out.err.find("the baseline run at seed 1 timed out"), std::string::npos)
      << timed_out.err;
  const Finished bad_seeds =
      run_tearline(explain_args(dir.path() / "c", kManchester, {}, "3-1"), dir.path());
  EXPECT_EQ(bad_seeds.exit_code, 2);
  EXPECT_NE(bad_seeds.err.find("is not a seed or a range"), std::string::npos) << bad_seeds.err;
  const Finished both =
      run_tearline(explain_args(dir.path() / "d", kManchester, {"--seed", "1"}), dir.path());
  EXPECT_EQ(both.exit_code, 2);  // --seed is --seeds N: not both.
  // Options that would make a run unbounded, or lose the answer after every
  // run, are refused before any run.
  const Finished nan_timeout =
      run_tearline(explain_args(dir.path() / "e", kManchester, {"--timeout-s", "nan"}), dir.path());
  EXPECT_EQ(nan_timeout.exit_code, 2);
  EXPECT_NE(nan_timeout.err.find("--timeout-s must be"), std::string::npos) << nan_timeout.err;
  for (const fs::path& json : {dir.path(), dir.path() / "nowhere" / "answer.json"}) {
    const Finished bad_json = run_tearline(
        explain_args(dir.path() / "f", kManchester, {"--json", json.string()}), dir.path());
    EXPECT_EQ(bad_json.exit_code, 2);
    EXPECT_NE(bad_json.err.find("not a file in a folder that exists"), std::string::npos)
        << bad_json.err;
    EXPECT_FALSE(fs::exists(dir.path() / "f"));
  }
  // A folder that is not empty is not written into.
  const Finished again = run_tearline(explain_args(dir.path() / "b", kManchester, {}), dir.path());
  EXPECT_EQ(again.exit_code, 2);
  std::ofstream(dir.path() / "empty-file").flush();  // Nor a file, even an empty one.
  const Finished file =
      run_tearline(explain_args(dir.path() / "empty-file", kManchester, {}), dir.path());
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find("is not an empty folder"), std::string::npos) << file.err;
  // An answer stdout does not take is exit 1, not 0 (a full disk).
  const std::string full = "timeout 120 " + tearline_bin() + " explain " + source_dir() +
                           "/scenarios/small.toml --plot plot.north-1 --mode bilateral " +
                           "--seed 1 --max-runs 1 --quiet --out " + (dir.path() / "g").string() +
                           " >/dev/full 2>" + (dir.path() / "g.err").string();
  const int status = std::system(full.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_NE(slurp(dir.path() / "g.err").find("cannot write the answer"), std::string::npos);
}

TEST(Explain, CtrlCStopsItWithNoAnswer) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const fs::path json = dir.path() / "answer.json";
  Child explain(explain_args(out, kManchester, {"--jobs", "1", "--json", json.string()}),
                dir.path());
  ASSERT_TRUE(eventually([&] { return fs::exists(out / "runs/c1-s1/sweep-exit"); },
                         std::chrono::seconds(60)));
  kill(explain.pid(), SIGINT);
  const auto stopped = explain.wait(std::chrono::seconds(60));
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->exit_code, 130) << stopped->err;
  EXPECT_NE(stopped->err.find("interrupted"), std::string::npos) << stopped->err;
  EXPECT_EQ(stopped->out, "");
  EXPECT_FALSE(fs::exists(json));
}

}  // namespace
}  // namespace tearline::testing
