#include "launcher/fault_event_counter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace tearline {
namespace {

namespace fs = std::filesystem;

class FaultEventCounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tearline-fault-counter-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = dir_ / "faults.trace.jsonl";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void append(const std::string& text) { std::ofstream(path_, std::ios::app) << text; }

  fs::path dir_, path_;
  FaultEventCounter counter_;
};

TEST_F(FaultEventCounterTest, CountsByFaultAndNodeAsTheFileGrows) {
  EXPECT_EQ(counter_.count(path_, "signal KILL", "broker"), 0u);  // Not written yet.
  append(R"({"kind":"fault","fault":"signal KILL","node":"broker"})"
         "\n"
         R"({"kind":"fault","fault":"signal STOP","node":"broker"})"
         "\n"
         R"({"kind":"created","msg":"m1","node":"broker"})"
         "\n");
  EXPECT_EQ(counter_.count(path_, "signal KILL", "broker"), 1u);
  EXPECT_EQ(counter_.count(path_, "signal KILL", "agency.aa"), 0u);
  append(R"({"kind":"fault","fault":"signal KILL","node":"agency.aa"})"
         "\n");
  EXPECT_EQ(counter_.count(path_, "signal KILL", "agency.aa"), 1u);
  EXPECT_EQ(counter_.count(path_, "signal KILL", ""), 2u);  // Any node.
}

TEST_F(FaultEventCounterTest, LeavesALineNotYetEndedForLater) {
  append(R"({"kind":"fault","fault":"crash","no)");
  EXPECT_EQ(counter_.count(path_, "crash", ""), 0u);
  append(R"(de":"broker"})"
         "\n");
  EXPECT_EQ(counter_.count(path_, "crash", ""), 1u);
  EXPECT_EQ(counter_.count(path_, "crash", "broker"), 1u);
}

TEST_F(FaultEventCounterTest, CountsAReplacedFileAfresh) {
  append(R"({"kind":"fault","fault":"crash","node":"broker"})"
         "\n"
         R"({"kind":"fault","fault":"crash","node":"broker"})"
         "\n");
  EXPECT_EQ(counter_.count(path_, "crash", ""), 2u);
  std::ofstream(path_, std::ios::trunc) << R"({"kind":"fault","fault":"crash","node":"x"})"
                                        << "\n";
  EXPECT_EQ(counter_.count(path_, "crash", ""), 1u);
}

}  // namespace
}  // namespace tearline
