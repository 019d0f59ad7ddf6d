// Overlays: a scenario file that says, at the top level,
//
//   extends = "manchester-2017"     # or "../elsewhere/base.toml"
//
// is its base with the overlay's tables merged in and its [set] applied
// (the format: scenarios/README.md, "Overlays"). A name is the file
// <name>.toml in the overlay's own folder; a value ending in .toml is a path
// relative to that folder. Tables written with a header ([scenario],
// [broker.officers]) merge key by key into the base's; arrays of tables
// ([[fault]], [[report]]) are appended to the base's; any other value,
// inline tables included, replaces the base's. Then each entry of [set],
// "KEY PATH" = value (scenario/key_path.h), sets one value, in the
// base's entries too. A base may itself extend another, up to
// kExtendsFilesMax files in a chain, with no cycle.
//
// Resolution happens before the scenario is read, so every reader sees one
// table; each value in it keeps the file and line it was written at, so an
// error names the overlay for a value the overlay gave and the base for
// one it did not (base/toml_reader.h, fail_at).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace tearline {

// The most files one chain of `extends` may hold, the overlay included.
inline constexpr size_t kExtendsFilesMax = 8;

struct ResolvedScenario {
  toml::table table;     // Without `extends` and [set].
  bool overlay = false;  // The file had either: the table is not its text.
};

// Reads the scenario file at `path` and resolves it. Throws TomlError
// "FILE:LINE: KEY: ..." naming the file and line at fault: an unreadable
// file, a base that does not exist, a cycle, a chain too long, a [set] path
// that names nothing.
ResolvedScenario resolve_scenario_file(const std::string& path);
// The same for a scenario's `text`, read from `path` (which names it in
// errors and whose folder holds its base).
ResolvedScenario resolve_scenario_text(std::string_view text, const std::string& path);

// A resolved scenario as TOML text, which reads back as the same table.
std::string scenario_toml_text(const toml::table& table);

// The scenario at `path` as a run folder keeps it (scenario.toml) and a
// sweep varies it: a plain file's own text, comments and all, or an
// overlay's resolved text. Throws ScenarioError (scenario.h) naming the
// file and line at fault.
std::string scenario_text_as_run(const std::string& path);

}  // namespace tearline
