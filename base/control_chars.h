// Control characters in text from outside (a scenario's names and paths, a
// fault's target): a newline or an escape sequence would forge lines of a
// log or of the terminal, a NUL cut a message or a file name short.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
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

// `text` with each control character written \xNN, for a log or a message.
inline std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string shown;
  shown.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      shown += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
    } else {
      shown += c;
    }
  }
  return shown;
}

}  // namespace tearline
