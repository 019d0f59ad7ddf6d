// The trace line reader: the fast reader and the JSON parser must agree on
// every line the fast reader takes (its contract, line_reader.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analysis/read/line_reader.h"
#include "analysis/read/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tearline::report;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  EventFields fields;
  const bool fast = read_flat_line(line, &fields);
  Event parsed;
  const bool full = !parse_event_json(line, &parsed).has_value();
  if (!fast) return 0;
  const Event fast_event = event_of(fields);
  // Whatever the fast reader takes, the JSON parser takes the same way.
  if (!full || fast_event.kind != parsed.kind || fast_event.msg != parsed.msg ||
      fast_event.t_h != parsed.t_h || fast_event.node != parsed.node ||
      fast_event.detail != parsed.detail || fast_event.attempt != parsed.attempt ||
      fast_event.depth != parsed.depth) {
    std::abort();
  }
  return 0;
}
