// explain() on report fixtures of manchester-2017 (tests/data/reports).
#include "analysis/explain/why.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "analysis/report/report_fixtures.h"
#include "analysis/report/report_json.h"

namespace tearline::explain {
namespace {

const std::filesystem::path kReports =
    std::filesystem::path(TEARLINE_SOURCE_DIR) / "tests/data/reports";

const Story& story_of(const std::vector<Story>& stories, const std::string& plot,
                      const std::string& mode) {
  const auto found = std::find_if(stories.begin(), stories.end(), [&](const Story& story) {
    return story.plot == plot && story.mode == mode;
  });
  if (found == stories.end()) throw std::logic_error("no story of " + plot + ", " + mode);
  return *found;
}

// The fact with exactly this text, or null.
const Fact* fact_of(const Story& story, const std::string& text) {
  for (const Fact& fact : story.facts) {
    if (fact.text == text) return &fact;
  }
  return nullptr;
}

std::string all_facts(const Story& story) {
  std::string text = story.headline + "\n";
  for (const Fact& fact : story.facts) text += "  " + fact.text + " [" + fact.handoff + "]\n";
  return text;
}

class WhyTest : public ::testing::Test {
 protected:
  const std::vector<Story> stories_ =
      explain(report::read_report_json((kReports / "manchester-2017-seed1.report.json").string()));
};

TEST_F(WhyTest, TellsThePlotsInOrderEachInBothModes) {
  ASSERT_EQ(stories_.size(), 4u);
  EXPECT_EQ(stories_[0].plot, "plot.stpetersburg-2017-04-03");
  EXPECT_EQ(stories_[0].mode, "bilateral");
  EXPECT_EQ(stories_[1].mode, "coordinated");
  EXPECT_EQ(stories_[2].plot, "plot.manchester-2017-05-22");
}

TEST_F(WhyTest, BilateralManchesterTellsTheSanitisingAtAgencyUsAndWhatBecameOfThatCopy) {
  const Story& story = story_of(stories_, "plot.manchester-2017-05-22", "bilateral");
  SCOPED_TRACE(all_facts(story));
  EXPECT_FALSE(story.averted);
  EXPECT_EQ(story.headline,
            "Not averted: 3 warnings reached unit.manchester, but none had the detail to act on.");
  const Fact* sanitised = fact_of(
      story,
      "agency.us sanitised 1 copy for agency.uk, leaving only subject and area: it trusts "
      "agency.uk at 0.7, under the 0.9 its policy asks to share an insider's report in full.");
  ASSERT_NE(sanitised, nullptr);
  EXPECT_EQ(sanitised->handoff, "sharing@agency.us");
  // Right after it: what became of that copy.
  const Fact& then = *(sanitised + 1);
  EXPECT_EQ(then.text,
            "That copy was still waiting in database@agency.uk when the run ended, there since 8 "
            "May 2017 14:32.");
  EXPECT_EQ(then.handoff, "database@agency.uk");
  // Told once: not again among the copies that ended on the way.
  EXPECT_EQ(std::count_if(story.facts.begin(), story.facts.end(),
                          [](const Fact& fact) {
                            return fact.text.find("still waiting in database@agency.uk") !=
                                   std::string::npos;
                          }),
            1);
  const Fact* thin = fact_of(
      story,
      "3 warnings reached unit.manchester between 30 March 2017 08:45 and 4 May 2017 09:03 with "
      "subject and area: too thin to act on, with no site or window.");
  ASSERT_NE(thin, nullptr);
  EXPECT_EQ(thin->handoff, "intake@unit.manchester");
  EXPECT_NE(fact_of(story, "1 copy was lost on the link agency.uk->agency.ru (liaison-loss)."),
            nullptr);
}

TEST_F(WhyTest, BilateralStPetersburgTellsTheWithheldCopiesAndTheLateWarning) {
  const Story& story = story_of(stories_, "plot.stpetersburg-2017-04-03", "bilateral");
  SCOPED_TRACE(all_facts(story));
  EXPECT_EQ(story.headline,
            "Not averted: 2 warnings reached unit.stpetersburg, but none had the detail to act "
            "on.");
  EXPECT_EQ(story.facts.at(0).text, "The intelligence was held by agency.ru (2 reports).");
  EXPECT_EQ(story.facts.at(0).handoff, "desk@agency.ru");
  for (const char* partner : {"agency.uk", "agency.us"}) {
    const Fact* withheld =
        fact_of(story, std::string("agency.ru withheld 2 copies from ") + partner +
                           " to protect its source: it trusts " + partner +
                           " at 0.3, under the 0.5 its policy asks to share an insider's report "
                           "even sanitised.");
    ASSERT_NE(withheld, nullptr) << partner;
    EXPECT_EQ(withheld->handoff, "sharing@agency.ru");
  }
  // Withheld copies are told by their decision, not again as losses.
  for (const Fact& fact : story.facts) {
    EXPECT_NE(fact.text, "agency.ru withheld 4 copies to protect its source.");
  }
  EXPECT_NE(fact_of(story,
                    "1 warning reached unit.stpetersburg on 4 April 2017 09:54 with area and "
                    "method: too thin to act on, with no subject and no site or window, and too "
                    "late: 2 days 22 hours after the unit had to act, by 1 April 2017 11:40 (the "
                    "attack less its response time of 2 days); on its way it waited longest in "
                    "intake@unit.stpetersburg, 4 hours."),
            nullptr);
}

TEST_F(WhyTest, CoordinatedManchesterIsAvertedWithItsLeadTimePathAndCentreMember) {
  const Story& story = story_of(stories_, "plot.manchester-2017-05-22", "coordinated");
  SCOPED_TRACE(all_facts(story));
  EXPECT_TRUE(story.averted);
  EXPECT_EQ(story.headline,
            "Averted: an actionable warning reached unit.manchester on 6 May 2017 23:15, 15 days "
            "22 hours before the attack.");
  EXPECT_NE(fact_of(story,
                    "The intelligence was held by agency.uk (3 reports) and agency.us (1 report)."),
            nullptr);
  const Fact* path = fact_of(story,
                             "Its path: desk@agency.us > agency.us->broker > officers@broker > "
                             "broker->unit.manchester > intake@unit.manchester.");
  ASSERT_NE(path, nullptr);
  EXPECT_EQ(path->handoff, "desk@agency.us");
  const Fact* member = fact_of(story, "The centre's member broker sent it to the unit.");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->handoff, "broker->unit.manchester");
}

TEST(WhyOlderReportTest, WithoutTheNewFactsItSaysLessButNothingWrong) {
  const std::vector<Story> stories =
      explain(report::fixtures::older(report::fixtures::load("manchester-2017-seed1")));
  const Story& manchester = story_of(stories, "plot.manchester-2017-05-22", "bilateral");
  SCOPED_TRACE(all_facts(manchester));
  EXPECT_NE(fact_of(manchester,
                    "agency.us sanitised 1 copy for agency.uk, leaving only subject and area, "
                    "under its sharing policy."),
            nullptr);
  EXPECT_NE(
      fact_of(manchester, "1 copy was still waiting in database@agency.uk when the run ended."),
      nullptr);
  const Story& stpetersburg = story_of(stories, "plot.stpetersburg-2017-04-03", "bilateral");
  SCOPED_TRACE(all_facts(stpetersburg));
  const Fact* withheld =
      fact_of(stpetersburg, "agency.ru withheld 4 copies to protect its source.");
  ASSERT_NE(withheld, nullptr);
  EXPECT_EQ(withheld->handoff, "sharing@agency.ru");
}

// Names in a sentence that look like nodes ("agency.xx", "unit.xx").
std::set<std::string> node_names_in(const std::string& text) {
  static const std::regex kNode(R"((agency|unit)\.[a-z0-9]+(-[a-z0-9]+)*)");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kNode);
       it != std::sregex_iterator(); ++it) {
    names.insert(it->str());
  }
  return names;
}

// No sentence is written for one scenario: on the chaos run every node a
// sentence names is one of the run's, the verdict matches the outcome and
// counts agree with their nouns.
TEST(WhyChaosTest, SentencesFollowFromTheReportsFacts) {
  const v1::RunReport report =
      report::read_report_json((kReports / "manchester-2017-seed1-chaos7.report.json").string());
  std::set<std::string> nodes;
  for (const auto& [name, mode] : report.modes()) {
    for (const std::string& agency : mode.run().agencies()) nodes.insert(agency);
    for (const auto& unit : mode.run().units()) nodes.insert(unit.name());
  }
  static const std::regex kMiscounted(
      R"(\b1 (copies|warnings|messages|reports|faults|days|hours|transmissions)\b)");
  std::vector<std::string> sentences;
  for (const Story& story : explain(report)) {
    EXPECT_EQ(story.headline.starts_with("Averted:"), story.averted) << story.headline;
    EXPECT_EQ(story.headline.starts_with("Not averted:"), !story.averted) << story.headline;
    EXPECT_FALSE(story.facts.empty()) << story.plot << ", " << story.mode;
    sentences.push_back(story.headline);
    for (const Fact& fact : story.facts) sentences.push_back(fact.text);
  }
  EXPECT_NE(std::find(sentences.begin(), sentences.end(),
                      "1 copy was lost on the link agency.uk->agency.ru when agency.ru crashed."),
            sentences.end());
  const std::vector<FaultLine> faults = explain_faults(report);
  for (const FaultLine& line : faults) sentences.push_back(line.fact.text);
  for (const std::string& sentence : sentences) {
    EXPECT_TRUE(sentence.ends_with(".")) << sentence;
    EXPECT_FALSE(std::regex_search(sentence, kMiscounted)) << sentence;
    for (const std::string& name : node_names_in(sentence)) {
      EXPECT_TRUE(nodes.count(name)) << name << " in: " << sentence;
    }
  }
  // 61 and 73 faults: the five costliest of each mode, then the rest summed.
  for (const char* mode : {"bilateral", "coordinated"}) {
    std::vector<std::string> lines;
    for (const FaultLine& line : faults) {
      if (line.mode == mode) lines.push_back(line.fact.text);
    }
    ASSERT_EQ(lines.size(), 6u) << mode;
    const size_t faults_in_mode = size_t(report.modes().at(mode).faults_size());
    EXPECT_TRUE(lines.back().starts_with(std::to_string(faults_in_mode - 5) + " more faults"))
        << lines.back();
  }
}

}  // namespace
}  // namespace tearline::explain
