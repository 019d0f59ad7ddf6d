// OpenTelemetry OTLP/JSON (the protobuf JSON mapping of
// ExportTraceServiceRequest), as Jaeger and other OTLP consumers ingest it:
// one resource per mode, one trace per tearline trace id, one span per hop
// (a message's stay at one handoff). A hop's parent is the message's previous
// hop or, for its first hop, the parent message's hop it was created in, so
// the source report's first hop is the root.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string_view>

#include "traces/report/message_fates.h"
#include "traces/trace_exports/export_events.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Event;
using trace_exports::ModeEvents;

constexpr int kSpanKindInternal = 1;
constexpr int kStatusCodeError = 2;

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

// 32 lower-case hex digits, never all zero.
std::string trace_id(const std::string& mode, const std::string& trace) {
  const std::string key = mode + '\n' + trace;
  const uint64_t high = fnv1a("tearline.trace.high\n" + key);
  const uint64_t low = fnv1a("tearline.trace.low\n" + key);
  return fmt::format("{:016x}{:016x}", high, high == 0 && low == 0 ? 1 : low);
}

// 16 lower-case hex digits, never all zero.
std::string span_id(const std::string& mode, const std::string& msg, const std::string& handoff) {
  const uint64_t id = fnv1a("tearline.span\n" + mode + '\n' + msg + '\n' + handoff);
  return fmt::format("{:016x}", id == 0 ? 1 : id);
}

struct Hop {
  std::string handoff;
  std::vector<const Event*> events;  // In time order.
  std::string span_id;
};

// Events that follow a transfer without being part of it.
bool is_echo(const Event& event) { return event.kind == "acked" || event.kind == "duplicate"; }

// A message's events grouped by handoff, in first-appearance order.
std::vector<Hop> hops_of(const report::Message& message) {
  std::vector<Hop> hops;
  for (const Event* event : message.events) {
    const std::string handoff = event->handoff.empty() ? event->kind : event->handoff;
    auto it = std::find_if(hops.begin(), hops.end(),
                           [&handoff](const Hop& hop) { return hop.handoff == handoff; });
    if (it == hops.end()) it = hops.insert(hops.end(), Hop{handoff, {}, {}});
    it->events.push_back(event);
  }
  return hops;
}

json string_attribute(const char* key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

json double_attribute(const char* key, double value) {
  return {{"key", key}, {"value", {{"doubleValue", value}}}};
}

class ModeSpans {
 public:
  explicit ModeSpans(const ModeEvents& mode) : mode_(mode), index_(mode.traces.events) {
    if (mode.run.is_object()) {
      ms_per_hour_ = mode.run.value("ms_per_scenario_hour", ms_per_hour_);
    }
    for (const Event& event : mode.traces.events) {
      if (event.kind == "run" && event.wall_ms) {
        start_wall_ms_ = static_cast<double>(*event.wall_ms) - event.t_h * ms_per_hour_;
        break;
      }
    }
  }

  json resource_spans() {
    for (const auto& [id, message] : index_.messages()) {
      std::vector<Hop> hops = hops_of(message);
      for (Hop& hop : hops) hop.span_id = span_id(mode_.traces.mode, id, hop.handoff);
      hops_.emplace(id, std::move(hops));
    }
    // Spans in order of their first event.
    std::vector<std::pair<const report::Message*, const Hop*>> order;
    for (const auto& [id, hops] : hops_) {
      for (const Hop& hop : hops) order.emplace_back(index_.find(id), &hop);
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.second->events.front()->order < b.second->events.front()->order;
    });
    json spans = json::array();
    for (const auto& [message, hop] : order) spans.push_back(span(*message, *hop));
    json resource = {
        {"attributes", json::array({string_attribute("service.name", "tearline"),
                                    string_attribute("tearline.mode", mode_.traces.mode)})}};
    return {{"resource", std::move(resource)},
            {"scopeSpans",
             json::array({{{"scope", {{"name", "tearline"}}}, {"spans", std::move(spans)}}})}};
  }

 private:
  std::string trace_of(const report::Message& message) const {
    const std::string trace = index_.trace_of(message.id);
    return trace.empty() ? message.id : trace;
  }

  // Integer arithmetic: nanoseconds since 1970 exceed a double's precision.
  int64_t unix_nano(const Event& event) const {
    if (event.wall_ms) return std::max<int64_t>(0, *event.wall_ms) * 1'000'000;
    const double ms = start_wall_ms_ + event.t_h * ms_per_hour_;
    return std::llround(std::max(0.0, ms) * 1000.0) * 1000;
  }

  // The span the hop hangs from, or "" for a root.
  std::string parent_span(const report::Message& message, const Hop& hop) const {
    const std::vector<Hop>& hops = hops_.at(message.id);
    if (&hop != &hops.front()) return (&hop - 1)->span_id;
    const auto parent = hops_.find(message.parent);
    if (message.parent.empty() || parent == hops_.end() || parent->second.empty()) return "";
    if (trace_of(*index_.find(message.parent)) != trace_of(message)) return "";
    // The parent's last hop begun by the time this message appears.
    const Hop* chosen = &parent->second.front();
    for (const Hop& candidate : parent->second) {
      if (candidate.events.front()->order <= hop.events.front()->order) chosen = &candidate;
    }
    return chosen->span_id;
  }

  json span(const report::Message& message, const Hop& hop) const {
    // Timing and outcome from the hop's own steps; acknowledgements only
    // when there is nothing else.
    std::vector<const Event*> steps;
    for (const Event* event : hop.events) {
      if (!is_echo(*event)) steps.push_back(event);
    }
    if (steps.empty()) steps = hop.events;
    const Event& first = *steps.front();
    const Event& last = *steps.back();

    json attributes = json::array({string_attribute("tearline.node", first.node),
                                   string_attribute("tearline.msg", message.id),
                                   string_attribute("tearline.trace", trace_of(message)),
                                   string_attribute("tearline.kind", last.kind)});
    const Event* loss = nullptr;
    for (const Event* event : steps) {
      if (report::is_loss(event->kind)) loss = event;
      if (event->kind == "served") {
        attributes.push_back(double_attribute("tearline.wait_h", event->wait_h));
        attributes.push_back(double_attribute("tearline.service_h", event->service_h));
      }
    }
    if (loss != nullptr) {
      attributes.push_back(string_attribute("tearline.reason", report::loss_reason(*loss)));
    }

    int64_t start = unix_nano(first);
    int64_t end = unix_nano(last);
    if (end < start) std::swap(start, end);
    json result = {{"traceId", trace_id(mode_.traces.mode, trace_of(message))},
                   {"spanId", hop.span_id},
                   {"name", hop.handoff},
                   {"kind", kSpanKindInternal},
                   {"startTimeUnixNano", std::to_string(start)},
                   {"endTimeUnixNano", std::to_string(end)},
                   {"attributes", std::move(attributes)}};
    const std::string parent = parent_span(message, hop);
    if (!parent.empty()) result["parentSpanId"] = parent;
    if (loss != nullptr) {
      result["status"] = {{"code", kStatusCodeError}, {"message", report::loss_reason(*loss)}};
    }
    return result;
  }

  const ModeEvents& mode_;
  const report::MessageIndex index_;
  double ms_per_hour_ = 3'600'000.0;  // Real time, when the run does not say.
  double start_wall_ms_ = 0;
  std::map<std::string, std::vector<Hop>> hops_;
};

}  // namespace

std::string export_otlp(const std::string& run_dir, std::vector<std::string>* warnings) {
  const std::vector<ModeEvents> modes = trace_exports::read_run(run_dir, warnings);
  json resources = json::array();
  for (const ModeEvents& mode : modes) resources.push_back(ModeSpans(mode).resource_spans());
  return json{{"resourceSpans", std::move(resources)}}.dump(1) + "\n";
}

}  // namespace tearline
