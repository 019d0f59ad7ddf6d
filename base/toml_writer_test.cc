// The TOML writer: floats in their shortest form, the table read back the
// same value for value; strings, dates and integers untouched.
#include "base/toml_writer.h"

#include <gtest/gtest.h>

namespace tearline {
namespace {

TEST(TomlWriter, FloatsAreShortAndReadBackTheSame) {
  const toml::table table = toml::parse(R"(
a = 0.9
b = [0.1, 0.30000000000000004, -2.5, 1e-7, 1.5e300, 2.0, -0.0]
c = { d = 0.33, e = 7 }
when = 2017-05-20T00:00:00.25+01:00
day = 2017-06-02
text = "0.90000000000000002 \" 0.1"
literal = 'a \ 0.10000000000000001'
many = """
0.1
"""
[[t]]
x = 3.3
)");
  const std::string text = toml_text(table);
  EXPECT_NE(text.find("a = 0.9\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x = 3.3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("0.30000000000000004"), std::string::npos) << text;  // Needs them all.
  EXPECT_NE(text.find("2.0"), std::string::npos) << text;                  // Still a float.
  EXPECT_EQ(toml::parse(text), table) << text;
  EXPECT_TRUE(toml::parse(text)["b"][5].is_floating_point());
  EXPECT_TRUE(toml::parse(text)["c"]["e"].is_integer());
}

TEST(TomlWriter, LeavesStringsDatesAndIntegersAlone) {
  EXPECT_EQ(shortest_floats("s = \"0.90000000000000002\"\n"), "s = \"0.90000000000000002\"\n");
  // A literal string has no escapes: its backslash does not hide its end.
  EXPECT_EQ(shortest_floats("s = ['a \\', 0.10000000000000001]\n"), "s = ['a \\', 0.1]\n");
  EXPECT_EQ(shortest_floats("d = 2017-05-05T15:00:00.50000000000000001Z\n"),
            "d = 2017-05-05T15:00:00.50000000000000001Z\n");
  EXPECT_EQ(shortest_floats("n = -12\n"), "n = -12\n");
  EXPECT_EQ(shortest_floats("f = [ 0.10000000000000001, 1e+20 ]\n"), "f = [ 0.1, 1e+20 ]\n");
}

}  // namespace
}  // namespace tearline
