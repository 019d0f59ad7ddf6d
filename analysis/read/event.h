// A trace line as the readers hold it: the one trace event (trace/
// trace_event.h, the mirror of proto/tearline/v1/trace.proto), plus where
// the line was read. Absent fields hold their proto3 defaults; the integer
// fields keep whether they were in the line at all. Internal to the
// analysis layers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "trace/trace_event.h"

namespace tearline::report {

// One line's fields as views into text that outlives them (the mapped trace
// file, or an Event): what the streaming readers visit.
struct EventFields
    : TraceEventFields<std::string_view, std::string_view, std::optional, const nlohmann::json*> {
  size_t file = 0;  // Index of the file in its mode's list of files.
  size_t line = 0;  // 1-based line number in that file.
};

// One line's fields, owned: what read_mode() keeps. The run is the "run"
// event's RunInfo object, else null.
struct Event : TraceEventFields<std::string, std::string, std::optional, nlohmann::json> {
  size_t file = 0;       // Index into ModeTraces::files.
  size_t line = 0;       // 1-based line number in that file.
  size_t order = 0;      // Position in ModeTraces::events, i.e. in time order.
  bool derived = false;  // Not read but derived: a crash loss (crash_losses.h).
};

// Assigns every trace field of `from` to `to`, and the file and line: Event
// and EventFields, either way. The run is converted between an object and
// a pointer to it (a view points into `from`).
template <typename From, typename To>
void copy_fields(const From& from, To* to) {
  to->file = from.file;
  to->line = from.line;
  for_each_field(
      [](const char*, const auto& source, auto& target) {
        using Source = std::decay_t<decltype(source)>;
        using Target = std::decay_t<decltype(target)>;
        if constexpr (std::is_same_v<Target, const nlohmann::json*>) {
          target = source.is_object() ? &source : nullptr;
        } else if constexpr (std::is_same_v<Source, const nlohmann::json*>) {
          target = source != nullptr ? *source : nlohmann::json();
        } else if constexpr (std::is_same_v<Target, std::vector<std::string>> ||
                             std::is_same_v<Target, std::vector<std::string_view>>) {
          target.assign(source.begin(), source.end());
        } else {
          target = source;
        }
      },
      from, *to);
}

// An Event holding copies of `fields`.
inline Event event_of(const EventFields& fields) {
  Event event;
  copy_fields(fields, &event);
  return event;
}

// Views of `event`'s fields, valid while `event` lives.
inline EventFields fields_of(const Event& event) {
  EventFields fields;
  copy_fields(event, &fields);
  return fields;
}

}  // namespace tearline::report
