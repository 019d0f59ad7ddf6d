// OpenTelemetry OTLP/JSON (the protobuf JSON mapping of
// ExportTraceServiceRequest), as Jaeger and other OTLP consumers ingest it:
// one resource per node and mode (service.name the node's name), one trace
// per tearline trace id, one span per hop (a message's stay at one handoff).
// Times are the scenario's own calendar: RunInfo.start_iso is scenario hour
// 0. A hop's parent is the message's previous hop or, for its first hop, the
// hop the parent message was at when it made it, so the source report's
// first hop is the root.
//
// Streamed in time order: only the hops of messages still to have events are
// held, with a few words per message seen (for its children's parent span);
// a message's spans are written at its last event.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "analysis/exports/export_events.h"
#include "analysis/exports/mode_stream.h"
#include "analysis/exports/otlp_files.h"
#include "analysis/exports/otlp_time.h"
#include "analysis/exports/trace_exports.h"
#include "analysis/read/message_fates.h"
#include "base/invariant.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Event;
using trace_exports::fnv1a;
using trace_exports::ModeStream;
using trace_exports::OtlpFiles;

constexpr int kSpanKindInternal = 1;
constexpr int kStatusCodeError = 2;

// 32 lower-case hex digits, never all zero.
std::string trace_id(const std::string& mode, const std::string& trace) {
  const std::string key = mode + '\n' + trace;
  const uint64_t high = fnv1a("tearline.trace.high\n" + key);
  const uint64_t low = fnv1a("tearline.trace.low\n" + key);
  return fmt::format("{:016x}{:016x}", high, high == 0 && low == 0 ? 1 : low);
}

// Never zero; distinct per hop, as each hop begins with its own event.
uint64_t span_id(const std::string& mode, const std::string& msg, const std::string& handoff,
                 size_t first_order) {
  const uint64_t id =
      fnv1a(fmt::format("tearline.span\n{}\n{}\n{}\n{}", mode, msg, handoff, first_order));
  return id == 0 ? 1 : id;
}

std::string hex(uint64_t id) { return fmt::format("{:016x}", id); }

// Events that follow a transfer without being part of it.
bool is_echo(const Event& event) { return event.kind == "acked" || event.kind == "duplicate"; }

json string_attribute(const char* key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

// A span's JSON written directly, as nlohmann::json's dump() would write it
// (keys in name order), several times faster than building the object. The
// strings are valid UTF-8: the trace reader takes only ASCII without the
// JSON parser, which checks the rest.
class SpanText {
 public:
  void string(std::string_view text) {
    out_ += '"';
    for (const char c : text) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  }

  // Shortest round trip; an integral value keeps a ".0", as dump() writes it.
  void number(double value) {
    const size_t start = out_.size();
    fmt::format_to(std::back_inserter(out_), "{}", value);
    if (std::isfinite(value) && out_.find_first_of(".e", start) == std::string::npos) out_ += ".0";
  }

  void raw(std::string_view text) { out_ += text; }

  // {"key":KEY,"value":{"stringValue":VALUE}}
  void string_attribute(std::string_view key, std::string_view value) {
    attribute_start(key);
    raw("{\"stringValue\":");
    string(value);
    raw("}}");
  }
  void double_attribute(std::string_view key, double value) {
    attribute_start(key);
    raw("{\"doubleValue\":");
    number(value);
    raw("}}");
  }
  void strings_attribute(std::string_view key, const std::vector<std::string>& values) {
    attribute_start(key);
    raw("{\"arrayValue\":{\"values\":[");
    for (size_t i = 0; i < values.size(); ++i) {
      raw(i == 0 ? "{\"stringValue\":" : ",{\"stringValue\":");
      string(values[i]);
      raw("}");
    }
    raw("]}}}");
  }

  std::string take() { return std::move(out_); }

 private:
  void attribute_start(std::string_view key) {
    raw(attributes_++ == 0 ? "{\"key\":" : ",{\"key\":");
    string(key);
    raw(",\"value\":");
  }

  std::string out_;
  size_t attributes_ = 0;
};

// A hop while it is open: what its span needs from the hop's events.
struct Hop {
  // Its first and last events, among its steps or, while it has none, its
  // acknowledgements.
  struct Ends {
    double first_h = 0;
    double last_h = 0;
    std::string node;       // The first event's.
    std::string last_kind;  // The last event's.
    bool seen = false;

    void add(const Event& event) {
      if (!seen) {
        first_h = event.t_h;
        node = event.node;
      }
      seen = true;
      last_h = event.t_h;
      last_kind = event.kind;
    }
  };

  std::string handoff;
  uint64_t span_id = 0;
  uint64_t parent_span_id = 0;  // 0: a root.
  Ends steps;
  Ends echoes;
  std::string loss_reason;                          // Of its last loss, if any.
  std::optional<std::pair<double, double>> served;  // wait_h, service_h.
  std::vector<std::string> detail;                  // Its first event's.
  std::string peer;
};

// What is kept of each message seen.
struct MessageState {
  std::string trace;          // Its trace id, or its parent's, or its own id.
  uint64_t last_span_id = 0;  // Of the hop it began last: its children's parent.
  std::vector<Hop> open;      // Until its last event, in the order begun.
};

class ModeSpans {
 public:
  ModeSpans(const ModeStream& mode, OtlpFiles* files) : mode_(mode), files_(files) {
    const std::string start_iso = mode.run() != nullptr ? mode.run()->start_iso() : "";
    start_unix_ns_ = trace_exports::unix_ns_of_iso(start_iso).value_or(0);
  }

  void write() {
    mode_.for_each([this](const Event& event) { see(event); });
    // Each message's last event (ModeStream) wrote and closed its hops.
    for (const auto& [msg, message] : messages_) TEARLINE_ASSERT(message.open.empty());
  }

 private:
  void see(const Event& event) {
    if (event.msg.empty()) return;
    auto [it, is_new] = messages_.try_emplace(event.msg);
    MessageState& message = it->second;
    if (is_new) message.trace = first_trace(event);
    const std::string handoff = event.handoff.empty() ? event.kind : event.handoff;
    auto hop = std::find_if(message.open.begin(), message.open.end(),
                            [&handoff](const Hop& open) { return open.handoff == handoff; });
    if (hop == message.open.end()) {
      hop = message.open.insert(message.open.end(), begin_hop(event, handoff, &message));
    }
    add_to_hop(event, &*hop);
    if (mode_.last_of_message(event.order)) {
      for (const Hop& done : message.open) write_span(event.msg, message, done);
      message.open.clear();
      message.open.shrink_to_fit();
    }
  }

  std::string first_trace(const Event& event) const {
    if (!event.trace.empty()) return event.trace;
    const auto parent = messages_.find(event.parent);
    if (!event.parent.empty() && parent != messages_.end()) return parent->second.trace;
    return event.msg;
  }

  Hop begin_hop(const Event& event, const std::string& handoff, MessageState* message) {
    Hop hop;
    hop.handoff = handoff;
    hop.span_id = span_id(mode_.mode(), event.msg, handoff, event.order);
    hop.parent_span_id = message->last_span_id;
    if (hop.parent_span_id == 0 && !event.parent.empty()) {
      // The parent's hop it was at when it made this message, in one trace.
      const auto parent = messages_.find(event.parent);
      if (parent != messages_.end() && parent->second.trace == message->trace) {
        hop.parent_span_id = parent->second.last_span_id;
      }
    }
    hop.detail = event.detail;
    hop.peer = event.peer;
    message->last_span_id = hop.span_id;
    return hop;
  }

  static void add_to_hop(const Event& event, Hop* hop) {
    if (is_echo(event)) {
      hop->echoes.add(event);
      return;
    }
    hop->steps.add(event);
    if (report::is_loss(event.kind)) hop->loss_reason = report::loss_reason(event);
    if (event.kind == "served") hop->served = std::pair(event.wait_h, event.service_h);
  }

  size_t resource_of(const std::string& node) {
    const auto known = resources_.find(node);
    if (known != resources_.end()) return known->second;
    const json resource = {
        {"attributes", json::array({string_attribute("service.name", node),
                                    string_attribute("service.namespace", "tearline"),
                                    string_attribute("tearline.mode", mode_.mode())})}};
    const size_t index = files_->add_resource(resource);
    resources_.emplace(node, index);
    return index;
  }

  void write_span(const std::string& msg, const MessageState& message, const Hop& hop) {
    const Hop::Ends& ends = hop.steps.seen ? hop.steps : hop.echoes;
    TEARLINE_ASSERT(ends.seen);         // A hop is begun by one of its events.
    TEARLINE_ASSERT(hop.span_id != 0);  // span_id() never gives 0, which means "no parent".
    const double start_h = std::min(ends.first_h, ends.last_h);
    const double end_h = std::max(ends.first_h, ends.last_h);
    SpanText span;
    span.raw("{\"attributes\":[");
    span.string_attribute("tearline.node", ends.node);
    span.string_attribute("tearline.msg", msg);
    span.string_attribute("tearline.trace", message.trace);
    span.string_attribute("tearline.handoff", hop.handoff);
    span.string_attribute("tearline.kind", ends.last_kind);
    span.double_attribute("tearline.t_h.start", start_h);
    span.double_attribute("tearline.t_h.end", end_h);
    if (!hop.peer.empty()) span.string_attribute("tearline.peer", hop.peer);
    if (hop.served) {
      span.double_attribute("tearline.wait_h", hop.served->first);
      span.double_attribute("tearline.service_h", hop.served->second);
    }
    if (!hop.loss_reason.empty()) span.string_attribute("tearline.reason", hop.loss_reason);
    if (!hop.detail.empty()) span.strings_attribute("tearline.detail", hop.detail);
    span.raw(fmt::format("],\"endTimeUnixNano\":\"{}\",\"kind\":{},\"name\":",
                         trace_exports::unix_ns_at(start_unix_ns_, end_h), kSpanKindInternal));
    span.string(hop.handoff);
    if (hop.parent_span_id != 0) span.raw(",\"parentSpanId\":\"" + hex(hop.parent_span_id) + "\"");
    span.raw(fmt::format(",\"spanId\":\"{}\",\"startTimeUnixNano\":\"{}\"", hex(hop.span_id),
                         trace_exports::unix_ns_at(start_unix_ns_, start_h)));
    if (!hop.loss_reason.empty()) {
      span.raw(fmt::format(",\"status\":{{\"code\":{},\"message\":", kStatusCodeError));
      span.string(hop.loss_reason);
      span.raw("}");
    }
    span.raw(",\"traceId\":\"" + trace_id(mode_.mode(), message.trace) + "\"}");
    files_->add(resource_of(ends.node), span.take());
  }

  const ModeStream& mode_;
  OtlpFiles* files_;
  int64_t start_unix_ns_ = 0;
  std::unordered_map<std::string, MessageState> messages_;
  std::map<std::string, size_t> resources_;  // Node: index in files_.
};

}  // namespace

std::vector<std::pair<std::string, size_t>> export_otlp(const std::string& run_dir,
                                                        const std::string& path,
                                                        size_t max_file_bytes,
                                                        std::vector<std::string>* warnings) {
  OtlpFiles files(path, max_file_bytes);
  for (const auto& dir : trace_exports::mode_dirs(run_dir)) {
    const ModeStream mode(dir, warnings);
    ModeSpans(mode, &files).write();
  }
  return files.finish();
}

}  // namespace tearline
