// Reading TOML files that people edit (scenarios, hosts files, key files),
// strictly: unknown keys are refused with a "did you mean", values are
// typed and within range, and every error names the file, the line and the
// dotted key ("scenarios/x.toml:12: agency[1].desk.workers: must be at least
// 1"). The one TOML reader of the code; what a file means is its caller's.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tearline {

// A TOML file that cannot be used; what() says where and why. Callers turn
// it into their own error type at their boundary.
class TomlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `text`; `file` names it in errors. A syntax error throws TomlError
// "FILE:LINE:COLUMN: description".
toml::table parse_toml(std::string_view text, const std::string& file);
// The largest TOML file read (its text is held whole, then its table).
inline constexpr uintmax_t kTomlFileBytesMax = uintmax_t{16} << 20;

// Reads and parses the file at `path`, which is a `what` ("scenario file"):
// "PATH: cannot read scenario file: no such file" when it cannot be read (or
// is larger than kTomlFileBytesMax).
toml::table read_toml_file(const std::string& path, std::string_view what);

// "\"text\"".
std::string in_quotes(std::string_view text);
// A number as a person writes it: 0.5, 24, 1e+06 (printf's %g).
std::string show_number(double value);
// " (did you mean "x"?)" for a near miss of `word` among `candidates` (a
// typo or a truncation), else " (<label>: a, b, c)"; "" without candidates.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view label);
// "an integer", "a table", ... for messages.
std::string_view toml_type_name(toml::node_type type);

// A place in a file: the dotted key ("agency[1].desk.workers") and the region
// it points at.
struct TomlPlace {
  std::string key;
  toml::source_region region;
};

// Throws TomlError "FILE:LINE: KEY: message" (LINE and KEY when known);
// FILE is the region's own file when it has one, else `file`.
[[noreturn]] void fail_at(const std::string& file, const TomlPlace& place,
                          std::string_view message);

// The bounds a number may have to keep.
enum class NumberBound { kNonNegative, kPositive, kProbability };

// A TOML table being read. A table with known keys refuses any other key when
// constructed; a table of names (keys that are data, such as node names) takes
// any key. `known` holds string literals: the table keeps views of them.
// Getters return nullopt for an absent key and throw TomlError for a
// value of the wrong type. Holds pointers into the parsed document, which must
// outlive it.
class TomlTable {
 public:
  TomlTable(std::string file, const toml::table& table, std::string path,
            std::initializer_list<std::string_view> known);
  static TomlTable of_names(std::string file, const toml::table& table, std::string path);

  // "path.key", or `key` at the top; a name is quoted: node."agency.uk".
  std::string key_path(std::string_view key) const;
  // The keys, sorted.
  std::vector<std::string> keys() const;
  bool has(std::string_view key) const { return get(key) != nullptr; }
  // At the value of `key` if present, else at the table.
  TomlPlace where(std::string_view key) const;
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;
  [[noreturn]] void fail_missing(std::string_view key) const;

  // A non-empty string.
  std::optional<std::string> string(std::string_view key) const;
  std::string required_string(std::string_view key) const;
  // An integer or a float, finite.
  std::optional<double> number(std::string_view key) const;
  std::optional<int64_t> integer(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  const toml::array* array(std::string_view key) const;
  // A date-time or date (midnight) in seconds since the Unix epoch; without
  // an offset, taken as UTC.
  std::optional<double> time_s(std::string_view key) const;

  // A number within `bound`; `fallback` if absent, required without one.
  double bounded_number(std::string_view key, NumberBound bound,
                        std::optional<double> fallback = std::nullopt) const;
  // An integer in [min, max]; `fallback` if absent, required without one.
  int64_t bounded_integer(std::string_view key, int64_t min, int64_t max,
                          std::optional<int64_t> fallback = std::nullopt) const;
  // A string among `names`, mapped to its value; `fallback` if absent,
  // required without one.
  template <typename T>
  T choice(std::string_view key, const std::vector<std::pair<std::string, T>>& names,
           std::optional<T> fallback = std::nullopt) const;

  std::optional<TomlTable> table(std::string_view key,
                                 std::initializer_list<std::string_view> known) const;
  TomlTable required_table(std::string_view key,
                           std::initializer_list<std::string_view> known) const;
  // A table whose keys are names ([node."agency.uk"] ...); nullopt if absent.
  std::optional<TomlTable> table_of_names(std::string_view key) const;
  // The tables of an array of tables ([[agency]] ...); none if absent.
  std::vector<TomlTable> tables(std::string_view key,
                                std::initializer_list<std::string_view> known) const;

 private:
  TomlTable(std::string file, const toml::table& table, std::string path,
            std::optional<std::vector<std::string_view>> known);
  const toml::node* get(std::string_view key) const;
  [[noreturn]] void fail_type(std::string_view key, std::string_view expected,
                              const toml::node& node) const;
  // "unknown value "x" (did you mean ...)" at `key`.
  [[noreturn]] void fail_choice(std::string_view key, const std::string& value,
                                const std::vector<std::string>& names) const;

  std::string file_;
  const toml::table* table_;
  std::string path_;
  std::optional<std::vector<std::string_view>> known_;  // Nullopt: a table of names.
};

template <typename T>
T TomlTable::choice(std::string_view key, const std::vector<std::pair<std::string, T>>& names,
                    std::optional<T> fallback) const {
  const std::optional<std::string> value = string(key);
  if (!value) {
    if (!fallback) fail_missing(key);
    return *fallback;
  }
  std::vector<std::string> candidates;
  for (const auto& [name, chosen] : names) {
    if (name == *value) return chosen;
    candidates.push_back(name);
  }
  fail_choice(key, *value, candidates);
}

}  // namespace tearline
