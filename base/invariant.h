// Invariants: conditions that only a bug of ours can break (counts that must
// add up, times that must not go back, one fate per message). In the manner
// of TigerBeetle's TIGER_STYLE.md, "Safety": assert them where they hold, and
// return expected failures (bad input from outside, I/O errors) as values.
// Checked in every build, Release included: a run that goes on past a broken
// invariant gives an answer nobody should trust, so it stops at once, naming
// the condition and where it was checked.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace tearline::detail {

[[noreturn]] inline void invariant_broken(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "tearline: invariant broken at %s:%d: %s\n", file, line, condition);
  std::abort();
}

}  // namespace tearline::detail

// TEARLINE_ASSERT(condition): stops the process if `condition` is false.
#define TEARLINE_ASSERT(condition)                                               \
  ((condition) ? static_cast<void>(0)                                            \
               : ::tearline::detail::invariant_broken(#condition, __FILE__, __LINE__))
