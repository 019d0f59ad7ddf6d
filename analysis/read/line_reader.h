// The fast path for reading a trace line: its fields as views into the line,
// without copying. Internal to the analysis layers; trace_scan.h is built on
// it.
#pragma once

#include <string_view>

#include "analysis/read/event.h"

namespace tearline::report {

// Reads the flat objects JsonlTraceWriter emits into *fields (whose file and
// line it leaves alone). It takes only what it is sure of: plain keys,
// strings without escapes or bytes outside ASCII, numbers, booleans and null,
// arrays of strings under "detail", each known field at most once and of the
// right type, and a "kind". Anything else (a "run" object, nesting, an
// escape, a duplicate or wrong-typed field, any syntax error) makes it return
// false, and the caller reads the line with the full JSON parser, which
// gives the same fields wherever this reader gives any (tested line by line
// in line_reader_test.cc).
bool read_flat_line(std::string_view line, EventFields* fields);

}  // namespace tearline::report
