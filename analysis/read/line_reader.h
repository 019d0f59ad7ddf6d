// The fast path for reading a trace line: its fields as views into the line,
// without copying. Internal to tearline_report; trace_reader.h and
// trace_scan.h are built on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

namespace tearline::report {

// One trace line's fields (the schema: proto/tearline/v1/trace.proto), as
// views into text that outlives them. Absent fields hold their proto3
// defaults.
struct EventFields {
  size_t file = 0;  // Index of the file in its mode's list of files.
  size_t line = 0;  // 1-based line number in that file.
  double t_h = 0;
  std::optional<int64_t> wall_ms;
  std::string_view node, kind, msg, trace, peer, handoff, reason;
  std::string_view fault, by;  // fault: the command, and who issued it.
  std::string_view parent, source_kind, source, source_agency;
  std::vector<std::string_view> detail;
  bool actionable = false;
  std::optional<uint64_t> peak_rss_kib;
  std::optional<uint32_t> depth;  // Queue depth, messages (absent when 0).
  std::optional<uint32_t> attempt;
  double wait_h = 0;
  double service_h = 0;
  // shared, sanitised, withheld: the sharing policy's why (trace.proto).
  std::string_view source_value;
  std::optional<double> trust, full_trust_min, sanitised_trust_min;
  const nlohmann::json* run = nullptr;  // RunInfo of a "run" event, else null.
};

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
