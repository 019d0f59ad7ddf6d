#include "analysis/pictures/handoff_map.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "analysis/pictures/test_support.h"

namespace tearline::pictures {
namespace {

using testing::occurrences;
using testing::overlapping_labels;
using testing::pictures_fixture;

struct Numbers {
  uint64_t in = 0, out = 0, lost = 0, in_flight = 0;
};

uint64_t number(const std::string& text) {
  std::string digits;
  for (const char c : text) {
    if (c != ',') digits += c;
  }
  return std::stoull(digits);
}

// The numbers the map shows per handoff, read back from its svg.
std::map<std::string, Numbers> shown_numbers(const std::string& svg) {
  std::map<std::string, Numbers> shown;
  const std::regex group(R"re(<g class="handoff[^"]*" data-handoff="([^"]*)">([\s\S]*?)</g>)re");
  const std::regex span(R"re(<tspan class="(in|out|lost|in-flight)">([0-9,]+)</tspan>)re");
  for (auto g = std::sregex_iterator(svg.begin(), svg.end(), group); g != std::sregex_iterator();
       ++g) {
    // Names are escaped in attributes; links have "->".
    std::string name = (*g)[1];
    for (size_t at = name.find("&gt;"); at != std::string::npos; at = name.find("&gt;")) {
      name.replace(at, 4, ">");
    }
    Numbers& numbers = shown[name];
    const std::string body = (*g)[2];
    for (auto s = std::sregex_iterator(body.begin(), body.end(), span); s != std::sregex_iterator();
         ++s) {
      const std::string kind = (*s)[1];
      const uint64_t value = number((*s)[2]);
      if (kind == "in") numbers.in += value;
      if (kind == "out") numbers.out += value;
      if (kind == "lost") numbers.lost += value;
      if (kind == "in-flight") numbers.in_flight += value;
    }
  }
  return shown;
}

TEST(HandoffMap, ShowsEveryHandoffsNumbersAsTheReportHasThem) {
  const v1::RunReport report = pictures_fixture();
  for (const auto& [name, mode] : report.modes()) {
    const Picture map = handoff_map(mode, name);
    const auto shown = shown_numbers(map.svg);
    EXPECT_EQ(shown.size(), static_cast<size_t>(mode.handoffs_size())) << name;
    for (const v1::Handoff& handoff : mode.handoffs()) {
      ASSERT_TRUE(shown.contains(handoff.name())) << name << " " << handoff.name();
      const Numbers& numbers = shown.at(handoff.name());
      EXPECT_EQ(numbers.in, handoff.in()) << handoff.name();
      EXPECT_EQ(numbers.out, handoff.out()) << handoff.name();
      EXPECT_EQ(numbers.lost, handoff.lost_total()) << handoff.name();
      EXPECT_EQ(numbers.in_flight, handoff.in_flight()) << handoff.name();
    }
  }
}

TEST(HandoffMap, DrawsLossesWhereTheyHappenWithTheirReason) {
  const v1::RunReport report = pictures_fixture();
  const std::string svg = handoff_map(report.modes().at("bilateral"), "bilateral").svg;
  // database@agency.uk: 161 expired in the backlog, 438 still held.
  const std::regex database(
      R"re(data-handoff="database@agency.uk">[\s\S]*?<tspan class="in-flight">438</tspan>[\s\S]*?)re"
      R"re(<text class="loss"[^>]*>✕ <tspan class="lost">161</tspan><tspan class="reason"> expired:backlog</tspan>)re");
  EXPECT_TRUE(std::regex_search(svg, database)) << svg;
  const std::regex withheld(
      R"re(data-handoff="sharing@agency.ru">[\s\S]*?<tspan class="lost">4</tspan><tspan class="reason"> withheld:source-protection)re");
  EXPECT_TRUE(std::regex_search(svg, withheld));
  // A link that lost messages is drawn red (lossy), its label too.
  EXPECT_NE(svg.find("class=\"handoff link lossy\" data-handoff=\"agency.uk-&gt;agency.ru\""),
            std::string::npos);
  EXPECT_NE(svg.find("p50 29 h · p90 37 h"), std::string::npos);
}

TEST(HandoffMap, LabelsAreLargeEnoughAndNeverOverlap) {
  for (const char* fixture : {"manchester-2017-seed1"}) {
    const v1::RunReport report = pictures_fixture(fixture);
    for (const auto& [name, mode] : report.modes()) {
      const Picture map = handoff_map(mode, name);
      EXPECT_GT(map.labels.size(), 40u);
      EXPECT_GE(testing::smallest_font_px(map.labels), 12);
      EXPECT_EQ(overlapping_labels(map.labels), "") << name;
      EXPECT_EQ(testing::clipped_labels(map), "") << name;
    }
  }
  const v1::RunReport chaos = testing::plain_fixture("manchester-2017-seed1-chaos7");
  for (const auto& [name, mode] : chaos.modes()) {
    EXPECT_EQ(overlapping_labels(handoff_map(mode, name).labels), "") << "chaos " << name;
  }
}

TEST(HandoffMap, LaysOutByRoleAgenciesCentreUnits) {
  const v1::RunReport report = pictures_fixture();
  const Picture map = handoff_map(report.modes().at("coordinated"), "coordinated");
  const auto x_of = [&](const std::string& name) {
    for (const Label& label : map.labels) {
      if (label.text == name) return label.box.x;
    }
    ADD_FAILURE() << name << " not drawn";
    return 0.0;
  };
  EXPECT_LT(x_of("agency.uk"), x_of("broker"));
  EXPECT_LT(x_of("broker"), x_of("unit.manchester"));
  EXPECT_DOUBLE_EQ(x_of("agency.uk"), x_of("agency.ru"));
  EXPECT_DOUBLE_EQ(x_of("unit.london"), x_of("unit.manchester"));
  // Deterministic: the same report draws the same map.
  EXPECT_EQ(map.svg, handoff_map(report.modes().at("coordinated"), "coordinated").svg);
}

TEST(HandoffMap, LinksEachEntryWhereTheCallerSays) {
  const v1::RunReport report = pictures_fixture();
  const v1::ModeReport& mode = report.modes().at("bilateral");
  const std::string svg = handoff_map(mode, "bilateral", [](const std::string& handoff) {
                            return "#row-" + handoff;
                          }).svg;
  EXPECT_EQ(occurrences(svg, "<a href=\"#row-"), static_cast<size_t>(mode.handoffs_size()));
  EXPECT_EQ(handoff_map_svg(mode).find("<a href"), std::string::npos);
}

TEST(HandoffMap, EscapesHostileNodeNames) {
  v1::ModeReport mode;
  mode.mutable_run()->add_agencies("agency.<script>alert(1)</script>");
  v1::Handoff* handoff = mode.add_handoffs();
  handoff->set_name("desk@agency.<script>alert(1)</script>");
  handoff->set_from("agency.<script>alert(1)</script>");
  handoff->set_to("agency.<script>alert(1)</script>");
  handoff->set_type("queue");
  handoff->set_in(3);
  handoff->set_out(2);
  (*handoff->mutable_lost())["<img src=x onerror=alert(1)>"] = 1;
  handoff->set_lost_total(1);
  v1::Handoff* link = mode.add_handoffs();
  link->set_name("agency.<script>->\"unit.x\"");
  link->set_from("agency.<script>");
  link->set_to("\"unit.x\"");
  link->set_type("link");
  const Picture map = handoff_map(mode, "m\"ode");
  EXPECT_EQ(map.svg.find("<script"), std::string::npos) << map.svg;
  EXPECT_EQ(map.svg.find("<img"), std::string::npos) << map.svg;
  EXPECT_EQ(map.svg.find("\"unit.x\""), std::string::npos) << map.svg;
  EXPECT_NE(map.svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(overlapping_labels(map.labels), "");
}

}  // namespace
}  // namespace tearline::pictures
