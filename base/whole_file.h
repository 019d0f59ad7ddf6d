// Writing a file whole or not at all: into a neighbour "<path>.partial"
// first, then renamed, so that a failure (a full disk) never leaves a
// truncated file that looks complete. A pipe or a device is written into.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace tearline {

// Returns the error ("cannot write PATH: why"), or "" when written.
inline std::string write_whole_file(const std::filesystem::path& path, std::string_view text) {
  std::error_code error;
  // A pipe or a device (/dev/stdout) is written into, never replaced.
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error)) {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    return out ? "" : "cannot write " + path.string() + ": " + std::strerror(errno);
  }
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      const std::string why = std::strerror(errno);
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      return "cannot write " + path.string() + ": " + why;
    }
  }
  std::filesystem::rename(partial, path, error);
  if (error) {
    const std::string why = error.message();
    std::filesystem::remove(partial, error);
    return "cannot write " + path.string() + ": " + why;
  }
  return "";
}

}  // namespace tearline
