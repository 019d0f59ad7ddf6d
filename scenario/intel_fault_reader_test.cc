// Faults aimed at intelligence in [[fault]] (lose, delay, withhold,
// share-full): each read into its request, and each error naming its key.
#include <gtest/gtest.h>

#include "scenario/scenario.h"
#include "scenario/scenario_reading.h"
#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

using namespace scenario_testing;

// kMinimal with one [[fault]] at agency.aa of `command` and `keys`.
std::string with_fault(const std::string& command, const std::string& keys,
                       const std::string& node = "agency.aa") {
  return std::string(kMinimal) + "\n[[fault]]\nat_h = 5\nnode = \"" + node + "\"\ncommand = \"" +
         command + "\"\n" + keys;
}

// The error loading `text` gives; fails the test if it gives none.
std::string error_of(const std::string& text) {
  const ScratchFile file(text);
  const std::string error = load_error(file.path());
  EXPECT_NE(error, "");
  return error;
}

TEST(IntelFaultReaderTest, ReadsEachActionAndTarget) {
  const Scenario lose = load_text(with_fault("lose", "report = \"aa-1\"\n"));
  ASSERT_EQ(lose.faults.size(), 1u);
  const v1::IntelFault& lost = lose.faults[0].request.intel();
  EXPECT_EQ(lost.action(), v1::IntelFault::ACTION_LOSE);
  EXPECT_EQ(lost.report(), "aa-1");
  EXPECT_EQ(lose.faults[0].at_h, 5);
  EXPECT_EQ(lose.faults[0].request.issued_by(), "schedule");

  const Scenario delay = load_text(with_fault("delay", "subject = \"subject-n\"\ndelay_h = 48\n"));
  const v1::IntelFault& delayed = delay.faults[0].request.intel();
  EXPECT_EQ(delayed.action(), v1::IntelFault::ACTION_DELAY);
  EXPECT_EQ(delayed.subject(), "subject-n");
  EXPECT_EQ(delayed.delay_h(), 48);

  const Scenario withhold = load_text(with_fault("withhold", "trace = \"bg-agency.aa-3\"\n"));
  EXPECT_EQ(withhold.faults[0].request.intel().action(), v1::IntelFault::ACTION_WITHHOLD);
  EXPECT_EQ(withhold.faults[0].request.intel().trace(), "bg-agency.aa-3");

  const Scenario share = load_text(with_fault("share-full", "report = \"aa-1\"\n"));
  EXPECT_EQ(share.faults[0].request.intel().action(), v1::IntelFault::ACTION_SHARE_FULL);
}

TEST(IntelFaultReaderTest, AnUnknownReportIsAnErrorNamingTheKeyAndItsLine) {
  const std::string text = with_fault("lose", "report = \"aa-7\"\n");
  const std::string error = error_of(text);
  EXPECT_NE(error.find(":" + std::to_string(line_of(text, "report = \"aa-7\"")) +
                       ": fault[0].report: no report \"aa-7\" in the scenario"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("aa-1"), std::string::npos) << error;  // Did you mean.
}

TEST(IntelFaultReaderTest, AReportOfAnotherAgencyIsAnError) {
  const std::string error = error_of(with_fault("lose", "report = \"aa-1\"\n", "agency.bb"));
  EXPECT_NE(error.find("fault[0].report: \"aa-1\" is \"agency.aa\"'s report"), std::string::npos)
      << error;
}

TEST(IntelFaultReaderTest, AnUnknownSubjectIsAnError) {
  const std::string error = error_of(with_fault("withhold", "subject = \"subject-x\"\n"));
  EXPECT_NE(error.find("fault[0].subject: no report of the scenario is about \"subject-x\""),
            std::string::npos)
      << error;
}

TEST(IntelFaultReaderTest, ANodeThatIsNoAgencyIsAnError) {
  const std::string error = error_of(with_fault("lose", "trace = \"aa-1\"\n", "unit.north"));
  EXPECT_NE(error.find("fault[0].node: \"unit.north\" is not an agency"), std::string::npos)
      << error;
}

TEST(IntelFaultReaderTest, ExactlyOneTargetIsNeeded) {
  EXPECT_NE(error_of(with_fault("lose", ""))
                .find("fault[0].command: \"lose\" needs exactly one of report, trace and subject"),
            std::string::npos);
  EXPECT_NE(error_of(with_fault("lose", "report = \"aa-1\"\nsubject = \"subject-n\"\n"))
                .find("fault[0].report: \"lose\" needs exactly one"),
            std::string::npos);
}

TEST(IntelFaultReaderTest, DelayNeedsABoundedDelayAndOthersTakeNone) {
  EXPECT_NE(error_of(with_fault("delay", "report = \"aa-1\"\n")).find("fault[0].delay_h"),
            std::string::npos);
  EXPECT_NE(
      error_of(with_fault("delay", "report = \"aa-1\"\ndelay_h = 0\n")).find("fault[0].delay_h"),
      std::string::npos);
  EXPECT_NE(error_of(with_fault("delay", "report = \"aa-1\"\ndelay_h = 9000\n"))
                .find("fault[0].delay_h: must be at most 8760 hours"),
            std::string::npos);
  EXPECT_NE(error_of(with_fault("lose", "report = \"aa-1\"\ndelay_h = 5\n"))
                .find("fault[0].delay_h: does not apply to command \"lose\""),
            std::string::npos);
  EXPECT_NE(error_of(with_fault("crash", "report = \"aa-1\"\n"))
                .find("fault[0].report: does not apply to command \"crash\""),
            std::string::npos);
}

// Beyond what an agency holds, the ones after were refused as they came
// (a warning in its log) and the run went on without them.
TEST(IntelFaultReaderTest, AnAgencyTakesAtMostTheFaultsItHolds) {
  std::string text = with_fault("lose", "trace = \"t0\"\n");
  for (size_t i = 1; i <= scenario_reading::kIntelFaultsPerAgencyMax; ++i) {
    text += "[[fault]]\nat_h = 5\nnode = \"agency.aa\"\ncommand = \"lose\"\ntrace = \"t" +
            std::to_string(i) + "\"\n";
  }
  EXPECT_NE(error_of(text).find("fault[1000].command: more than 1000 faults aimed at intelligence "
                                "at \"agency.aa\""),
            std::string::npos)
      << error_of(text);
}

TEST(IntelFaultReaderTest, ATargetIsBounded) {
  const std::string error =
      error_of(with_fault("lose", "trace = \"" + std::string(129, 'x') + "\"\n"));
  EXPECT_NE(error.find("fault[0].trace: must be at most 128 bytes"), std::string::npos) << error;
  // Written to logs and printed: a newline would forge a line.
  EXPECT_NE(error_of(with_fault("lose", "trace = \"aa-1\\n[warning] forged\"\n"))
                .find("fault[0].trace: must have no control character"),
            std::string::npos);
}

}  // namespace
}  // namespace tearline
