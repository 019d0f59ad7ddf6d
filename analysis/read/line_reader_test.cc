// The fast line reader against the JSON parser, line by line: wherever
// read_flat_line() takes a line, parse_event() must give exactly what
// parse_event_json() gives.
#include "analysis/read/line_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "analysis/read/trace_reader.h"

namespace tearline::report {
namespace {

namespace fs = std::filesystem;

template <typename T>
std::string text_of_field(const T& field) {
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    return field.dump();
  } else if constexpr (requires { field.has_value(); }) {
    return field ? fmt::format("{}", *field) : "-";
  } else if constexpr (requires { field.begin(); } && !std::is_same_v<T, std::string>) {
    return fmt::format("[{}]", fmt::join(field, "|"));
  } else {
    return fmt::format("{}", field);
  }
}

// Every trace field of `event` (not file, line and order), doubles exactly.
std::string text_of(const Event& event) {
  std::string text;
  for_each_field(
      [&text](const char* name, const auto& field) {
        text += fmt::format("{}={} ", name, text_of_field(field));
      },
      event);
  return text;
}

// Whether the fast path took `line`; where it did, checks it agrees with the
// JSON parser.
bool check_line(const std::string& line) {
  EventFields fields;
  const bool fast = read_flat_line(line, &fields);
  Event expected;
  const auto expected_error = parse_event_json(line, &expected);
  Event actual;
  const auto actual_error = parse_event(line, &actual);
  EXPECT_EQ(actual_error, expected_error) << line;
  if (fast) {
    EXPECT_FALSE(expected_error) << "the fast path took a line the JSON parser refuses: " << line;
    EXPECT_EQ(text_of(actual), text_of(expected)) << line;
  }
  return fast;
}

std::vector<std::string> recorded_lines() {
  std::vector<std::string> lines;
  const fs::path run = fs::path(TEARLINE_SOURCE_DIR) / "tests/data/recorded-run";
  for (const auto& entry : fs::recursive_directory_iterator(run)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

TEST(LineReader, AgreesWithTheJsonParserOnEveryRecordedLine) {
  const std::vector<std::string> lines = recorded_lines();
  ASSERT_GT(lines.size(), 200u);
  size_t fast = 0, run_events = 0;
  for (const std::string& line : lines) {
    fast += check_line(line) ? 1 : 0;
    run_events += line.find("\"kind\":\"run\"") != std::string::npos ? 1 : 0;
  }
  // Only "run" events (a nested object) need the JSON parser.
  EXPECT_EQ(fast, lines.size() - run_events);
}

TEST(LineReader, AgreesOrGivesUpOnEdgeCases) {
  const std::vector<std::string> taken = {
      R"({"kind":"sent"})",
      R"(  { "kind" : "sent" , "t_h" : 1e-3 , "wall_ms" : "17" }  )",
      R"({"kind":"sent","t_h":-2.5E+2,"depth":"4","attempt":3,"wait_h":0,"service_h":1.25})",
      R"({"kind":"sent","detail":[],"actionable":false,"future":null,"other":true,"n":-1.5})",
      R"({"kind":"sent","detail":[ "a" , "b" ],"peak_rss_kib":18446744073709551615})",
      R"({"kind":"sent","wall_ms":-9223372036854775808,"t_h":0})",
      R"({"kind":"withheld","source_value":"insider","trust":0.4,"full_trust_min":0,"sanitised_trust_min":0.8})",
  };
  for (const std::string& line : taken) EXPECT_TRUE(check_line(line)) << line;

  const std::vector<std::string> left = {
      R"({"kind":"se\"nt"})",                         // An escape.
      R"({"kind":"sent","msg":"caf\u00e9"})",         // A \u escape.
      "{\"kind\":\"sent\",\"msg\":\"caf\xc3\xa9\"}",  // UTF-8.
      "{\"kind\":\"sent\",\"msg\":\"caf\xc3\"}",      // Broken UTF-8.
      R"({"kind":"sent","kind":"acked"})",            // A duplicate.
      R"({"kind":"sent","t_h":"soon"})",              // Wrong types.
      R"({"kind":"sent","msg":null})",
      R"({"kind":"sent","detail":["a",1]})",
      R"({"kind":"sent","actionable":1})",
      R"({"kind":"sent","depth":-1})",
      R"({"kind":"sent","depth":4294967296})",
      R"({"kind":"sent","wall_ms":1.5})",
      R"({"kind":"sent","wall_ms":"12ms"})",
      R"({"kind":"sent","t_h":-0})",  // The JSON parser reads an integer 0.
      R"({"kind":"sent","t_h":01})",  // Bad numbers.
      R"({"kind":"sent","t_h":1.})",
      R"({"kind":"sent","t_h":.5})",
      R"({"kind":"sent","t_h":1e999})",  // Beyond double's range.
      R"({"kind":"sent","future":-1e999})",
      R"({"kind":"sent","future":{"x":1}})",  // Nesting.
      R"({"kind":"sent","future":[1]})",
      R"({"kind":"run","run":{"seed":1}})",
      R"({"kind":"sent"} x)",  // Bad syntax.
      R"({"kind":"sent",})",
      R"({"kind":"sent")",
      R"(["kind","sent"])",
      R"({"kind":""})",  // No kind.
      R"({"msg":"m1"})",
      "",
  };
  for (const std::string& line : left) EXPECT_FALSE(check_line(line)) << line;
}

// Random damage to recorded lines: whatever the fast path takes, it reads as
// the JSON parser does.
TEST(LineReader, AgreesOnDamagedLines) {
  const std::vector<std::string> lines = recorded_lines();
  std::mt19937_64 random(20170522);
  const std::string bytes = "\"\\{}[],:0123456789.eE-+ tfnulrx\x01\xc3\xa9";
  size_t fast = 0;
  constexpr int kLines = 20000;
  for (int i = 0; i < kLines; ++i) {
    std::string line = lines[random() % lines.size()];
    const int damage = 1 + static_cast<int>(random() % 3);
    for (int d = 0; d < damage && !line.empty(); ++d) {
      const size_t at = random() % line.size();
      switch (random() % 3) {
        case 0:
          line[at] = bytes[random() % bytes.size()];
          break;
        case 1:
          line.erase(at, 1);
          break;
        default:
          line.insert(at, 1, bytes[random() % bytes.size()]);
          break;
      }
    }
    fast += check_line(line) ? 1 : 0;
    if (::testing::Test::HasFailure()) break;  // One line's report is enough.
  }
  // Some damage leaves a sound line (a digit for a digit): both paths ran.
  EXPECT_GT(fast, 0u);
  EXPECT_LT(fast, static_cast<size_t>(kLines));
}

}  // namespace
}  // namespace tearline::report
