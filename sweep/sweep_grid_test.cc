// The sweep's grid: --set and --seeds parsed strictly, every combination of
// values, and values set at key paths of a scenario's TOML with the type of
// the value they replace; paths that name nothing are errors naming them.
#include "sweep/sweep_grid.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

namespace tearline::sweep {
namespace {

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const SweepError& error) {
    return error.what();
  }
  return "";
}

TEST(SweepGrid, ParsesListsIntegerRangesAndSteppedRanges) {
  EXPECT_EQ(parse_set("agency[0].partner[0].trust=0.5,0.7,0.9").values,
            (std::vector<std::string>{"0.5", "0.7", "0.9"}));
  EXPECT_EQ(parse_set("agency[1].database.workers=2..6").values,
            (std::vector<std::string>{"2", "3", "4", "5", "6"}));
  const Parameter stepped = parse_set("a.b=0.5..0.9:0.1");
  EXPECT_EQ(stepped.path, "a.b");
  ASSERT_EQ(stepped.values.size(), 5u);
  EXPECT_EQ(stepped.values.back(), "0.9");
  EXPECT_EQ(parse_set("broker.officers.priority=fifo,relevance").values.size(), 2u);
}

TEST(SweepGrid, RefusesMalformedSets) {
  EXPECT_NE(error_of([] { parse_set("trust"); }).find("expected PATH=VALUES"), std::string::npos);
  EXPECT_NE(error_of([] { parse_set("a=1,,2"); }).find("an empty value"), std::string::npos);
  EXPECT_NE(error_of([] { parse_set("a=6..2"); }).find("A <= B"), std::string::npos);
  EXPECT_NE(error_of([] { parse_set("a=0..1:0"); }).find("STEP above 0"), std::string::npos);
  EXPECT_NE(error_of([] { parse_set("a=1..5000"); }).find("more than"), std::string::npos);
  EXPECT_NE(error_of([] { parse_set("agency[0]x.b=1"); }).find("KEY[INDEX]"), std::string::npos);
  EXPECT_NE(error_of([] { parse_set("a..b=1"); }).find("empty key"), std::string::npos);
  for (const char* overlay_key : {"extends=small", "set=1"}) {
    EXPECT_NE(error_of([&] { parse_set(overlay_key); }).find("an overlay's key, not a parameter"),
              std::string::npos)
        << overlay_key;
  }
}

TEST(SweepGrid, ParsesSeeds) {
  EXPECT_EQ(parse_seeds("7"), (std::vector<uint64_t>{7}));
  EXPECT_EQ(parse_seeds("1-3,9,2"), (std::vector<uint64_t>{1, 2, 3, 9}));
  EXPECT_NE(error_of([] { parse_seeds("3-1"); }), "");
  EXPECT_NE(error_of([] { parse_seeds("x"); }), "");
  EXPECT_NE(error_of([] { parse_seeds("1-100000"); }).find("more than"), std::string::npos);
}

TEST(SweepGrid, EveryCombinationFirstParameterSlowest) {
  const auto points = grid_points({parse_set("a=1,2"), parse_set("b=x,y,z")});
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0], (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(points[1], (std::vector<std::string>{"1", "y"}));
  EXPECT_EQ(points[5], (std::vector<std::string>{"2", "z"}));
  EXPECT_EQ(grid_points({}).size(), 1u);  // No parameter: the scenario as it is.
}

constexpr const char* kScenario = R"(# A comment.
[scenario]
name = "s"
[[agency]]
name = "agency.aa"
database = { workers = 2, priority = "fifo" }
[[agency.partner]]
agency = "agency.bb"
trust = 0.5
[[agency]]
name = "agency.bb"
)";

TEST(SweepGrid, SetsValuesAtKeyPathsWithTheirTypes) {
  const std::vector<Parameter> parameters = {parse_set("agency[0].partner[0].trust=0.9"),
                                             parse_set("agency[0].database.workers=4"),
                                             parse_set("agency[1].journal=true")};
  const std::string text = apply_point(kScenario, "s.toml", parameters, {"0.9", "4", "true"});
  const toml::table table = toml::parse(text);
  EXPECT_EQ(table.at_path("agency[0].partner[0].trust").value<double>(), 0.9);
  EXPECT_TRUE(table.at_path("agency[0].database.workers").is_integer());
  EXPECT_EQ(table.at_path("agency[0].database.workers").value<int64_t>(), 4);
  EXPECT_EQ(table.at_path("agency[0].database.priority").value<std::string>(), "fifo");
  EXPECT_EQ(table.at_path("agency[1].journal").value<bool>(), true);  // Added.
  EXPECT_EQ(table.at_path("scenario.name").value<std::string>(), "s");
}

TEST(SweepGrid, SetsValuesAtEntriesNamedInsteadOfIndexed) {
  const std::vector<Parameter> parameters = {
      parse_set("agency[agency.aa].partner[agency.bb].trust=0.8"),
      parse_set("agency[agency.bb].journal=true")};
  const toml::table table =
      toml::parse(apply_point(kScenario, "s.toml", parameters, {"0.8", "true"}));
  EXPECT_EQ(table.at_path("agency[0].partner[0].trust").value<double>(), 0.8);
  EXPECT_EQ(table.at_path("agency[1].journal").value<bool>(), true);
  EXPECT_NE(error_of([] {
              apply_point(kScenario, "s.toml", {parse_set("agency[agency.cc].journal=true")},
                          {"true"});
            }).find("--set agency[agency.cc].journal: agency in s.toml has no entry named"),
            std::string::npos);
}

TEST(SweepGrid, APathThatNamesNothingOrAValueOfAnotherTypeIsAnError) {
  const auto apply = [](const std::string& spec, const std::string& value) {
    return error_of([&] { apply_point(kScenario, "s.toml", {parse_set(spec)}, {value}); });
  };
  EXPECT_NE(apply("agency[2].journal=true", "true").find("has 2 entries, so agency[2] is none"),
            std::string::npos);
  EXPECT_NE(apply("units[0].area=x", "x").find("s.toml has no \"units\""), std::string::npos);
  EXPECT_NE(apply("agency[0].name.x=1", "1").find("is a value, not a table"), std::string::npos);
  EXPECT_NE(apply("agency[0].database.workers=2.5", "2.5").find("is an integer"),
            std::string::npos);
  EXPECT_NE(apply("agency[0]=1", "1").find("is a table; name one of its keys"), std::string::npos);
  EXPECT_EQ(apply("scenario.name=1", "1"), "");  // A string takes any text.
  EXPECT_EQ(error_of([] { apply_point("[scenario\n", "s.toml", {}, {}); }).rfind("s.toml:1:", 0),
            0u);  // A syntax error names line and column.
}

}  // namespace
}  // namespace tearline::sweep
