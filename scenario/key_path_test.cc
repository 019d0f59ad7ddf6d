// Key paths: parsed strictly, walked through arrays of tables by index or by
// an entry's name (id, handle, partner agency), and every path that names
// nothing an error that says which step and why.
#include "scenario/key_path.h"

#include <gtest/gtest.h>

#include "scenario/scenario_testing.h"

namespace tearline {
namespace {

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const KeyPathError& error) {
    return error.what();
  }
  return "";
}

TEST(KeyPath, ParsesKeysIndexesAndNames) {
  const std::vector<KeyPathStep> steps = parse_key_path("agency[agency.us].partner[0].trust");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].key, "agency");
  EXPECT_EQ(steps[0].selector, "agency.us");  // Dots inside brackets belong to the name.
  EXPECT_EQ(steps[1].selector, "0");
  EXPECT_EQ(steps[2].key, "trust");
  EXPECT_FALSE(steps[2].selector.has_value());
}

TEST(KeyPath, RefusesMalformedPaths) {
  for (const char* path : {"", "a..b", "a.", ".a", "a[]", "a[0", "a[0]b", "a]", "a[0].", "[0]"}) {
    EXPECT_NE(error_of([&] { parse_key_path(path); }), "") << path;
  }
  EXPECT_NE(error_of([] { parse_key_path("agency[0]x.b"); }).find("KEY[INDEX] or KEY[NAME]"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_key_path(std::string(kKeyPathCharsMax + 1, 'a')); }), "");
  using namespace std::string_literals;
  for (const std::string& path : {"a.b\nc"s, "a.b\0c"s, "a[x\ty].b"s, "a.\x1b[31m"s}) {
    EXPECT_NE(error_of([&] { parse_key_path(path); }).find("a key path with a control character"),
              std::string::npos)
        << path;
  }
  std::string deep = "a";
  for (size_t i = 0; i < kKeyPathStepsMax; ++i) deep += ".a";
  EXPECT_NE(error_of([&] { parse_key_path(deep); }).find("more than"), std::string::npos);
}

// kMinimal (agency.aa with partner agency.bb and source aa.insider-1, then
// agency.bb; report aa-1) with a second report of the same id.
const std::string kDocument =
    std::string(scenario_testing::kMinimal) + "[[report]]\nid = \"aa-1\"\nagency = \"agency.aa\"\n";

double trust_at(toml::table& root, const std::string& path) {
  const KeyPathTarget target = walk_key_path(root, "s.toml", path);
  return target.table->get(target.key)->value<double>().value_or(-1);
}

TEST(KeyPath, WalksByIndexOrByName) {
  toml::table root = toml::parse(kDocument);
  EXPECT_EQ(trust_at(root, "agency[0].partner[0].trust"), 0.5);
  EXPECT_EQ(trust_at(root, "agency[agency.aa].partner[agency.bb].trust"), 0.5);
  const KeyPathTarget source =
      walk_key_path(root, "s.toml", "agency[agency.aa].source[aa.insider-1].value");
  EXPECT_EQ(source.table->get(source.key)->value<std::string>(), "insider");
  // The last key need not exist: a caller may add it.
  const KeyPathTarget added = walk_key_path(root, "s.toml", "agency[agency.bb].journal");
  EXPECT_EQ(added.key, "journal");
  EXPECT_EQ(added.table->get("name")->value<std::string>(), "agency.bb");
}

TEST(KeyPath, APathThatNamesNothingSaysWhere) {
  toml::table root = toml::parse(kDocument);
  const auto walk = [&](const std::string& path) {
    return error_of([&] { walk_key_path(root, "s.toml", path); });
  };
  EXPECT_NE(walk("agency[agency.uk].journal")
                .find("agency in s.toml has no entry named \"agency.uk\" (did you mean "),
            std::string::npos);
  EXPECT_NE(walk("agency[2].journal").find("has 2 entries, so agency[2] is none"),
            std::string::npos);
  // An index too large for a number is an index still, not a name.
  EXPECT_NE(walk("agency[99999999999999999999].journal")
                .find("has 2 entries, so agency[99999999999999999999] is none"),
            std::string::npos);
  EXPECT_NE(walk("report[aa-1].at_h").find("two entries named \"aa-1\"; give an index"),
            std::string::npos);
  EXPECT_NE(walk("units[0].area").find("s.toml has no \"units\""), std::string::npos);
  EXPECT_NE(walk("scenario[0].name").find("scenario in s.toml is not a list"), std::string::npos);
  EXPECT_NE(walk("scenario.name.x").find("is a value, not a table"), std::string::npos);
  EXPECT_NE(walk("agency[agency.bb]").find("agency[agency.bb] is a table; name one of its keys"),
            std::string::npos);
  EXPECT_EQ(walk("report[1].at_h"), "");  // An index reaches what a name cannot.
}

}  // namespace
}  // namespace tearline
