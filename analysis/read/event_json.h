// Reading one trace line into an Event: the fast reader (line_reader.h)
// where it is sure, else the full JSON parser. Internal to the analysis
// layers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/read/event.h"

namespace tearline::report {

// Parses one line into *event, replacing what it held (file, line and order
// are left 0). Returns why the line is malformed, or nullopt when it is fine.
// Tries read_flat_line() first, then parse_event_json().
std::optional<std::string> parse_event(std::string_view line, Event* event);

// parse_event() through the full JSON parser only: the reference the fast
// path is tested against. Every field of the trace event (trace_event.h) is
// read under its proto name; unknown fields are ignored.
std::optional<std::string> parse_event_json(std::string_view line, Event* event);

}  // namespace tearline::report
