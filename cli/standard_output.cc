#include "cli/standard_output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <system_error>

namespace tearline {
namespace {

// Plain stdio: the message must not throw where printing just failed.
int output_failed(const char* why) {
  std::fputs("tearline: cannot write standard output: ", stderr);
  std::fputs(why, stderr);
  std::fputs("\n", stderr);
  return 1;
}

}  // namespace

int with_output_checked(const std::function<int()>& command) {
  int code = 0;
  try {
    code = command();
  } catch (const std::system_error& error) {
    // fmt::print's, on a stdout it cannot write; any other goes on.
    if (std::ferror(stdout) == 0) throw;
    return output_failed(error.what());
  }
  // CLI11 writes --help through std::cout, fmt through stdout: both flushed.
  errno = 0;
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || !std::cout) {
    return output_failed(std::strerror(errno != 0 ? errno : EIO));
  }
  return code;
}

}  // namespace tearline
