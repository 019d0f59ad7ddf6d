// Key paths: one value of a scenario's TOML named in one line, the way
// scenario errors print it and `tearline sweep --set` and overlays' [set]
// (scenario_overlay.h) take it: keys joined by '.', an array of tables
// entered by a selector in brackets,
//
//   agency[agency.us].partner[agency.uk].trust    agency[1].database.workers
//
// A selector of digits only is an index (from 0); any other selector is the
// entry whose identifying key equals it: the first of `name`, `id`, `handle`
// and `agency` the entry has ([[agency]] and [[unit]] by name, [[plot]] and
// [[report]] by id, [[agency.source]] by handle, [[agency.partner]] by the
// partner agency). The one definition of the syntax (scenarios/README.md).
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tearline {

// A path that is malformed or names nothing; what() begins with the path.
class KeyPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The longest key path read, and the most steps it may have.
inline constexpr size_t kKeyPathCharsMax = 1000;
inline constexpr size_t kKeyPathStepsMax = 32;

// One step of a path: a key, and a selector when it enters an array.
struct KeyPathStep {
  std::string key;
  std::optional<std::string> selector;  // "1" or "agency.us"; no ']' in it.
};

// The steps of `path`. Throws KeyPathError for an empty key, a step that is
// not KEY, KEY[INDEX] or KEY[NAME], a control character, or a path beyond
// the bounds above.
std::vector<KeyPathStep> parse_key_path(std::string_view path);

// Where a path leads: the table that holds (or would hold) its last key.
struct KeyPathTarget {
  toml::table* table = nullptr;
  std::string key;
};

// Walks `path` from `root` (of the file `source`, for messages) to the table
// of its last key, which need not exist yet. Throws KeyPathError when a step
// before the last names nothing (no such key, an index past the end, no
// entry of that name, or two), names a value where a table is needed, or
// when the last step has a selector (it names a table, not a value).
KeyPathTarget walk_key_path(toml::table& root, std::string_view source, const std::string& path);

}  // namespace tearline
