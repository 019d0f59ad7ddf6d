// Interrupting a run (Ctrl-C, SIGTERM, SIGHUP) at any moment: the launcher
// brings every node to one scenario hour, stops them there, writes the
// report of what ran and exits 130, with every message accounted for.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <thread>

#include "tests/child.h"
#include "tests/trace_tail.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

// One interrupted run: which mode, the scenario hour to wait for (as the
// node `watched` traces it), and the signal then sent to the launcher.
struct Moment {
  std::string mode;
  std::string watched;
  double at_h = 0;
  int signal = SIGINT;
};

std::string describe(const Moment& moment) {
  return moment.mode + " run, SIG" + sigabbrev_np(moment.signal) + " at " +
         std::to_string(moment.at_h) + " h (traced by " + moment.watched + ")";
}

TEST(Interrupt, AtTwentySeededMomentsEveryNodeStopsAtOneHourAndNothingIsUnaccounted) {
  constexpr uint64_t kSeed = 19;
  constexpr size_t kMoments = 20;
  constexpr size_t kAtOnce = 4;  // Runs side by side: the test stays within ~30 s.
  std::cout << "moments drawn from seed " << kSeed << std::endl;  // Flushed before any fork.
  std::mt19937_64 random(kSeed);
  // The small scenario runs 240 h. The centre's trace keeps pace with the
  // run to its last hours; bilaterally an agency's runs ahead of the others
  // (its windows reach past them) and leaps to the end in the last 50 h, so
  // its moments end earlier.
  std::uniform_real_distribution<double> coordinated_hour(2, 236);
  std::uniform_real_distribution<double> bilateral_hour(2, 180);
  constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};
  std::vector<Moment> moments;
  for (size_t i = 0; i < kMoments; ++i) {
    Moment moment;
    moment.mode = i % 2 == 0 ? "coordinated" : "bilateral";
    moment.watched = i % 2 == 0 ? "broker" : "agency.aa";
    moment.at_h = i % 2 == 0 ? coordinated_hour(random) : bilateral_hour(random);
    moment.signal = kSignals[i % kSignals.size()];
    moments.push_back(moment);
  }

  for (size_t first = 0; first < kMoments; first += kAtOnce) {
    struct Run {
      Moment moment;
      std::unique_ptr<TempDir> dir;
      std::unique_ptr<Child> launcher;
      fs::path out;
    };
    std::vector<Run> runs;
    for (size_t i = first; i < std::min(kMoments, first + kAtOnce); ++i) {
      Run run{moments[i], std::make_unique<TempDir>(), nullptr, {}};
      run.out = run.dir->path() / "run";
      // 10 ms a scenario hour: 2.4 s for the whole run.
      run.launcher = std::make_unique<Child>(
          std::vector<std::string>{"run", "small", "--mode", run.moment.mode, "--seed",
                                   std::to_string(i + 1), "--scale", "10", "--out",
                                   run.out.string(), "--quiet"},
          run.dir->path());
      runs.push_back(std::move(run));
    }
    // Each run is signalled as soon as its moment comes, whichever first.
    std::vector<bool> signalled(runs.size(), false);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::count(signalled.begin(), signalled.end(), false) > 0 &&
           std::chrono::steady_clock::now() < deadline) {
      for (size_t i = 0; i < runs.size(); ++i) {
        const Run& run = runs[i];
        const fs::path trace = run.out / run.moment.mode / (run.moment.watched + ".trace.jsonl");
        if (signalled[i] || traced_hour(trace).value_or(0) < run.moment.at_h) continue;
        ASSERT_EQ(kill(run.launcher->pid(), run.moment.signal), 0);
        signalled[i] = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // Polling the traces.
    }
    ASSERT_EQ(std::count(signalled.begin(), signalled.end(), false), 0)
        << "a moment did not come within 30 s";
    for (Run& run : runs) {
      SCOPED_TRACE(describe(run.moment));
      const auto finished = run.launcher->wait(std::chrono::seconds(60));
      ASSERT_TRUE(finished.has_value());
      EXPECT_EQ(finished->exit_code, 130) << finished->err;
      const auto report = read_json(run.out / "report.json");
      const auto& mode = report["modes"][run.moment.mode];
      EXPECT_EQ(mode["messages"]["unaccounted"].get<int>(), 0) << mode["unaccounted_messages"];
      EXPECT_GT(mode["messages"]["created"].get<int>(), 0);
      // Every node stopped at one hour, at or after the moment.
      const std::map<std::string, double> stopped = stop_hours(run.out / run.moment.mode);
      EXPECT_EQ(stopped.size(), run.moment.mode == "coordinated" ? 5u : 4u);
      for (const auto& [node, at_h] : stopped) {
        EXPECT_EQ(at_h, stopped.begin()->second) << node;
        EXPECT_GE(at_h, run.moment.at_h) << node;
      }
    }
  }
}

}  // namespace
}  // namespace tearline::testing
