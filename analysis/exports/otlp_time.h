// Scenario hours as OTLP timestamps: nanoseconds since the Unix epoch in the
// scenario's own calendar. Internal to tearline_trace_exports.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tearline::trace_exports {

// Nanoseconds since 1970-01-01T00:00:00Z of an ISO 8601 date-time
// "YYYY-MM-DDTHH:MM[:SS[.fff...]]" with an optional "Z" or "+HH:MM"/"-HH:MM"
// suffix (none: UTC), as RunInfo.start_iso holds. Nullopt if it does not
// parse or lies before 1970 or after 2262 (int64 nanoseconds).
std::optional<int64_t> unix_ns_of_iso(std::string_view iso);

// start_unix_ns + t_h hours, never below 0 (OTLP times are unsigned).
int64_t unix_ns_at(int64_t start_unix_ns, double t_h);

}  // namespace tearline::trace_exports
