#include "scenario/key_path.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "base/control_chars.h"
#include "base/toml_reader.h"

namespace tearline {
namespace {

// The keys that name an entry of an array of tables, in the order tried.
constexpr std::string_view kIdentifyingKeys[] = {"name", "id", "handle", "agency"};

// Digits only are an index; too many for a size_t, one past any end.
std::optional<size_t> as_index(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  size_t index = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  return error == std::errc() ? index : SIZE_MAX;
}

// The entry's identifying value, or nullopt if it has none.
std::optional<std::string> identity_of(const toml::table& entry) {
  for (const std::string_view key : kIdentifyingKeys) {
    if (const toml::node* node = entry.get(key)) return node->value<std::string>();
  }
  return std::nullopt;
}

// The entry of `array` that `selector` names (`walked` is the path so far).
toml::node& select(toml::array& array, const std::string& path, const std::string& walked,
                   std::string_view source, const std::string& selector) {
  if (const std::optional<size_t> index = as_index(selector)) {
    if (*index >= array.size()) {
      throw KeyPathError(fmt::format("{}: {} in {} has {} entries, so {}[{}] is none", path, walked,
                                     source, array.size(), walked, selector));
    }
    return *array.get(*index);
  }
  toml::node* found = nullptr;
  std::vector<std::string> names;
  for (toml::node& element : array) {
    const toml::table* entry = element.as_table();
    const std::optional<std::string> name = entry ? identity_of(*entry) : std::nullopt;
    if (!name) continue;
    names.push_back(*name);
    if (*name != selector) continue;
    if (found != nullptr) {
      throw KeyPathError(fmt::format("{}: {} in {} has two entries named {}; give an index", path,
                                     walked, source, in_quotes(selector)));
    }
    found = &element;
  }
  if (found == nullptr) {
    throw KeyPathError(fmt::format("{}: {} in {} has no entry named {}{}", path, walked, source,
                                   in_quotes(selector),
                                   did_you_mean(selector, names, "its entries")));
  }
  return *found;
}

}  // namespace

std::vector<KeyPathStep> parse_key_path(std::string_view path) {
  if (path.size() > kKeyPathCharsMax) {
    throw KeyPathError(fmt::format("a key path of more than {} characters", kKeyPathCharsMax));
  }
  // A newline or a NUL would cut the messages that print the path, and the
  // TOML a sweep writes with its last key.
  if (const std::optional<size_t> control = control_character_at(path)) {
    throw KeyPathError(fmt::format("a key path with a control character (byte {:#04x} at {})",
                                   static_cast<unsigned char>(path[*control]), *control));
  }
  std::vector<KeyPathStep> steps;
  size_t at = 0;
  while (true) {
    const size_t end = path.find_first_of(".[", at);
    KeyPathStep step;
    step.key = std::string(path.substr(at, end - at));
    if (step.key.empty() || step.key.find(']') != std::string::npos) {
      throw KeyPathError(fmt::format("{}: an empty key, or a ']' without '['", path));
    }
    at = end;
    if (at != std::string_view::npos && path[at] == '[') {
      const size_t close = path.find(']', at);
      const bool closed = close != std::string_view::npos && close > at + 1 &&
                          (close + 1 == path.size() || path[close + 1] == '.');
      if (!closed) {
        throw KeyPathError(fmt::format("{}: \"{}\" is not KEY, KEY[INDEX] or KEY[NAME]", path,
                                       path.substr(at - step.key.size())));
      }
      step.selector = std::string(path.substr(at + 1, close - at - 1));
      at = close + 1;
    }
    steps.push_back(std::move(step));
    if (steps.size() > kKeyPathStepsMax) {
      throw KeyPathError(fmt::format("{}: more than {} steps", path, kKeyPathStepsMax));
    }
    if (at == std::string_view::npos || at == path.size()) return steps;
    ++at;  // The '.'.
    if (at == path.size()) throw KeyPathError(fmt::format("{}: an empty key", path));
  }
}

KeyPathTarget walk_key_path(toml::table& root, std::string_view source, const std::string& path) {
  const std::vector<KeyPathStep> steps = parse_key_path(path);
  toml::table* table = &root;
  std::string walked;
  for (size_t i = 0; i < steps.size(); ++i) {
    const KeyPathStep& step = steps[i];
    walked += (walked.empty() ? "" : ".") + step.key;
    const bool last = i + 1 == steps.size();
    if (last && !step.selector) break;
    toml::node* node = table->get(step.key);
    if (node == nullptr) {
      throw KeyPathError(fmt::format("{}: {} has no \"{}\"", path, source, walked));
    }
    if (step.selector) {
      toml::array* array = node->as_array();
      if (array == nullptr) {
        throw KeyPathError(fmt::format("{}: {} in {} is not a list", path, walked, source));
      }
      node = &select(*array, path, walked, source, *step.selector);
      walked += "[" + *step.selector + "]";
      if (last) {
        throw KeyPathError(fmt::format("{}: {} is a table; name one of its keys", path, walked));
      }
    }
    table = node->as_table();
    if (table == nullptr) {
      throw KeyPathError(fmt::format("{}: {} in {} is a value, not a table", path, walked, source));
    }
  }
  return {table, steps.back().key};
}

}  // namespace tearline
