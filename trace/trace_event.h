// The trace event, defined once: the C++ mirror of TraceEvent in
// proto/tearline/v1/trace.proto, field for field in the proto's order, under
// the proto's names. The writer (trace.h) and the readers
// (analysis/read/) instantiate it with their own storage: the writer owns
// its strings, the streaming reader views the mapped line, the stored reader
// owns copies. trace_event_test.cc checks it against the proto's descriptor
// (names, types, count), so a field added to one and not the other fails
// the suite.
//
// A mirror rather than the generated message: tracing is on the hot path of
// every hop and reading is on the hot path of every report, and the
// generated message would allocate each string field of each event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tearline {

// A scalar as the writer holds it: proto3's default (0, false) is absent.
template <typename T>
using Plain = T;

// Fields of one event. `Name`: node, mode and kind (the writer's are views
// of names that outlive the event); `Text`: every other string; `Present`:
// Plain, or std::optional where a reader keeps whether an integer field was
// in the line at all; `Run`: the "run" field (a RunInfo).
template <typename Name, typename Text, template <typename> class Present, typename Run>
struct TraceEventFields {
  Present<int64_t> wall_ms{};  // Wall time, Unix epoch milliseconds.
  double t_h = 0;              // Scenario time, hours since the scenario start.
  Name node{};
  Name mode{};
  Name kind{};
  Text msg{};
  Text trace{};
  Text peer{};
  Text handoff{};
  Present<uint32_t> depth{};  // Queue depth, messages.
  Text reason{};
  Present<uint32_t> attempt{};  // Transmission attempt, from 1.
  Text parent{};
  double wait_h = 0;
  double service_h = 0;
  std::vector<Text> detail{};
  Text area{};
  Text source_kind{};
  Text source{};
  Text source_agency{};
  int32_t priority = 0;
  bool background = false;
  bool actionable = false;
  Run run{};
  Text fault{};
  Text by{};
  Text issuer{};
  Text claimed{};
  Text source_value{};
  std::optional<double> trust{};
  std::optional<double> full_trust_min{};
  std::optional<double> sanitised_trust_min{};
};

// Calls visit(name, field...) for each field of `events`, in the proto's
// order, under the proto's names: one event, or two of any storage (to copy
// or compare one into the other). The one list of the fields' names.
template <typename Visit, typename... Events>
void for_each_field(Visit&& visit, Events&... events) {
  visit("wall_ms", events.wall_ms...);
  visit("t_h", events.t_h...);
  visit("node", events.node...);
  visit("mode", events.mode...);
  visit("kind", events.kind...);
  visit("msg", events.msg...);
  visit("trace", events.trace...);
  visit("peer", events.peer...);
  visit("handoff", events.handoff...);
  visit("depth", events.depth...);
  visit("reason", events.reason...);
  visit("attempt", events.attempt...);
  visit("parent", events.parent...);
  visit("wait_h", events.wait_h...);
  visit("service_h", events.service_h...);
  visit("detail", events.detail...);
  visit("area", events.area...);
  visit("source_kind", events.source_kind...);
  visit("source", events.source...);
  visit("source_agency", events.source_agency...);
  visit("priority", events.priority...);
  visit("background", events.background...);
  visit("actionable", events.actionable...);
  visit("run", events.run...);
  visit("fault", events.fault...);
  visit("by", events.by...);
  visit("issuer", events.issuer...);
  visit("claimed", events.claimed...);
  visit("source_value", events.source_value...);
  visit("trust", events.trust...);
  visit("full_trust_min", events.full_trust_min...);
  visit("sanitised_trust_min", events.sanitised_trust_min...);
}

}  // namespace tearline
