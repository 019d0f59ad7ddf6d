// Control characters in text from outside (a scenario's names and paths, a
// fault's target): a newline or an escape sequence would forge lines of a
// log or of the terminal, a NUL cut a message or a file name short.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace tearline {

// Where the first control character (below 0x20, or 0x7f) of `text` is, if
// it has one.
inline std::optional<size_t> control_character_at(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) return i;
  }
  return std::nullopt;
}

}  // namespace tearline
