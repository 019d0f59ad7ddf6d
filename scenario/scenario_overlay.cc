#include "scenario/scenario_overlay.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/control_chars.h"
#include "base/toml_reader.h"
#include "base/toml_writer.h"
#include "scenario/key_path.h"
#include "scenario/scenario.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

bool is_array_of_tables(const toml::node& node) {
  const toml::array* array = node.as_array();
  return array != nullptr && !array->empty() &&
         std::all_of(array->begin(), array->end(),
                     [](const toml::node& element) { return element.is_table(); });
}

// `overlay` merged into `base`, its nodes moved so that they keep their
// file and line.
void merge(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, node] : overlay) {
    toml::node* under = base.get(key.str());
    toml::table* base_table = under != nullptr ? under->as_table() : nullptr;
    toml::table* overlay_table = node.as_table();
    if (base_table != nullptr && overlay_table != nullptr && !overlay_table->is_inline()) {
      merge(*base_table, std::move(*overlay_table));
    } else if (under != nullptr && is_array_of_tables(*under) && is_array_of_tables(node)) {
      for (toml::node& element : *node.as_array()) {
        under->as_array()->push_back(std::move(*element.as_table()));
      }
    } else {
      base.insert_or_assign(key, std::move(node));
    }
  }
}

// Where `extends = value` in the file at `path` leads.
fs::path base_path_of(const fs::path& path, const std::string& value) {
  const fs::path folder = path.parent_path();
  if (value.size() > 5 && value.ends_with(".toml")) return folder / value;
  return folder / (value + ".toml");
}

std::string chain_text(const std::vector<fs::path>& chain, const fs::path& next) {
  std::string text;
  for (const fs::path& file : chain) text += file.string() + " -> ";
  return text + next.string();
}

class Resolver {
 public:
  ResolvedScenario resolve(toml::table document, const fs::path& path) {
    const std::string file = path.string();
    std::error_code ignored;
    chain_.push_back(fs::weakly_canonical(path, ignored));
    ResolvedScenario resolved;
    const toml::node* extends = document.get("extends");
    const toml::node* set = document.get("set");
    resolved.overlay = extends != nullptr || set != nullptr;
    if (!resolved.overlay) {
      resolved.table = std::move(document);
      return resolved;
    }
    if (extends != nullptr) {
      resolved.table = base_of(*extends, path);
      document.erase("extends");
    }
    toml::table sets;
    if (set != nullptr) {
      if (!set->is_table()) {
        fail_at(file, {"set", set->source()},
                "must be a table of \"KEY PATH\" = value, got " +
                    std::string(toml_type_name(set->type())));
      }
      sets = std::move(*document.get("set")->as_table());
      document.erase("set");
    }
    merge(resolved.table, std::move(document));
    for (auto&& [key, value] : sets) {
      // An unquoted a.b = 1 makes tables a and b, not the path "a.b".
      if (value.is_table() && !value.as_table()->is_inline()) {
        fail_at(file, {"set", key.source()},
                "a key path is written in quotes: \"" + std::string(key.str()) + ".KEY\" = value");
      }
      KeyPathTarget target;
      try {
        target = walk_key_path(resolved.table, "the resolved scenario", std::string(key.str()));
      } catch (const KeyPathError& error) {
        fail_at(file, {"set", key.source()}, error.what());
      }
      target.table->insert_or_assign(toml::key(target.key, key.source()), std::move(value));
    }
    return resolved;
  }

 private:
  // The base that `extends` names, resolved.
  toml::table base_of(const toml::node& extends, const fs::path& path) {
    const std::string file = path.string();
    const TomlPlace place{"extends", extends.source()};
    const std::optional<std::string> value = extends.value<std::string>();
    // A NUL would end the file name early: "small.toml\0x" names small.toml.
    if (!value || value->empty() || control_character_at(*value)) {
      fail_at(file, place,
              "must be a scenario's name, or a path ending in .toml, without control characters");
    }
    const fs::path base = base_path_of(path, *value);
    std::error_code error;
    if (!fs::is_regular_file(base, error)) {
      fail_at(file, place,
              "no scenario " + in_quotes(*value) + ": " + base.string() +
                  " is not a file (a name is looked for in the overlay's folder)");
    }
    const fs::path canonical = fs::weakly_canonical(base, error);
    if (std::find(chain_.begin(), chain_.end(), canonical) != chain_.end()) {
      fail_at(file, place, "a cycle: " + chain_text(chain_, canonical));
    }
    if (chain_.size() >= kExtendsFilesMax) {
      fail_at(file, place,
              "more than " + std::to_string(kExtendsFilesMax) +
                  " files in one chain of extends: " + chain_text(chain_, canonical));
    }
    return resolve(read_toml_file(base.string(), "scenario file"), base).table;
  }

  std::vector<fs::path> chain_;  // The files being resolved, the first outermost.
};

}  // namespace

ResolvedScenario resolve_scenario_file(const std::string& path) {
  return Resolver().resolve(read_toml_file(path, "scenario file"), path);
}

ResolvedScenario resolve_scenario_text(std::string_view text, const std::string& path) {
  return Resolver().resolve(parse_toml(text, path), path);
}

std::string scenario_toml_text(const toml::table& table) { return toml_text(table); }

std::string scenario_text_as_run(const std::string& path) {
  try {
    const ResolvedScenario resolved = resolve_scenario_file(path);
    if (resolved.overlay) return scenario_toml_text(resolved.table);
  } catch (const TomlError& error) {
    throw ScenarioError(error.what());
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw ScenarioError(path + ": cannot read scenario file");
  return text.str();
}

}  // namespace tearline
