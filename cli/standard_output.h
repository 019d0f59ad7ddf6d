// What a command prints must reach its reader: standard output that cannot
// be written (a full disk, /dev/full) fails the command with a message,
// instead of an abort (fmt::print throws) or an exit 0 with the output lost.
#pragma once

#include <functional>

namespace tearline {

// `command`'s exit code; 1, with a message on stderr, when what it printed
// could not all be written to standard output.
int with_output_checked(const std::function<int()>& command);

}  // namespace tearline
