// Writing a file whole or not at all: into a neighbour "<path>.partial"
// first, then renamed, so that a failure (a full disk) never leaves a
// truncated file that looks complete.
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
  // The rename would put the text in place of a device or a pipe named as
  // the file (--json /dev/stdout), not into it.
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error)) {
    return "cannot write " + path.string() + ": not a regular file";
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
