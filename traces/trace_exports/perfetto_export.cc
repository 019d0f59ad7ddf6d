// Chrome Trace Event JSON, as Perfetto UI and chrome://tracing open it: one
// process per mode, one thread per node (plus a lane thread where a node's
// queue stays overlap), queue residence as complete slices, steps as instants
// and each transfer as a flow arrow from sender to receiver. Times are
// scenario time, 1 scenario hour = 1 ms = 1000 us.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "traces/trace_exports/export_events.h"
#include "traces/trace_exports/trace_exports.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Event;
using trace_exports::ModeEvents;

constexpr double kUsPerScenarioHour = 1000.0;
constexpr double kFlowSliceUs = 1.0;  // The tiny slice a flow end is bound to.
constexpr const char* kTimeNote =
    "ts is scenario time: 1 scenario hour = 1 ms = 1000 us, from scenario hour {origin_h}";

const std::set<std::string, std::less<>> kInstantKinds = {
    "created", "lost", "expired", "withheld", "sanitised", "delivered", "acted", "fault"};

bool ends_queue_stay(const std::string& kind) {
  return kind == "served" || kind == "expired" || kind == "lost";
}

bool is_exported(const Event& event) { return !event.msg.empty() || event.kind == "fault"; }

// Scenario hour 0 is ts 0 unless exported events come earlier.
double origin_h(const std::vector<ModeEvents>& modes) {
  double origin = 0;
  for (const ModeEvents& mode : modes) {
    for (const Event& event : mode.traces.events) {
      if (is_exported(event)) origin = std::min(origin, event.t_h);
    }
  }
  return origin;
}

class ModeWriter {
 public:
  ModeWriter(const ModeEvents& mode, int pid, double origin, std::vector<json>* out)
      : mode_(mode), pid_(pid), origin_(origin), out_(out) {}

  void write() {
    number_nodes();
    std::map<std::tuple<std::string, std::string, std::string>, const Event*> queued;
    for (const Event& event : mode_.traces.events) {
      if (event.node.empty() || !is_exported(event)) continue;
      const auto key = std::tuple(event.node, event.msg, event.handoff);
      if (event.kind == "queued") {
        queued.emplace(key, &event);
      } else if (ends_queue_stay(event.kind)) {
        const auto it = queued.find(key);
        if (it != queued.end()) {
          write_queue_slice(*it->second, event);
          queued.erase(it);
        }
      }
      if (kInstantKinds.contains(event.kind)) write_instant(event);
    }
    write_flows();
    place_slices();
    write_metadata();
    for (json& event : pending_) out_->push_back(std::move(event));
  }

 private:
  // Rounded to the nanosecond, so that golden files do not hold float noise.
  static double round_us(double us) { return std::round(us * 1000.0) / 1000.0; }
  double ts(double t_h) const { return round_us((t_h - origin_) * kUsPerScenarioHour); }
  int tid_of(const std::string& node) const { return tids_.at(node); }

  json base(const char* ph, const std::string& name, const Event& event) const {
    return json{{"ph", ph},
                {"name", name},
                {"pid", pid_},
                {"tid", tid_of(event.node)},
                {"ts", ts(event.t_h)}};
  }

  // A slice as placed on a lane of its node's track.
  struct Slice {
    std::string node;
    double start = 0;
    double end = 0;
    size_t event = 0;            // Index into pending_.
    std::optional<size_t> flow;  // Its flow end, in pending_.
  };

  // Node tracks, tid 1.. in order of first appearance.
  void number_nodes() {
    for (const Event& event : mode_.traces.events) {
      if (!event.node.empty() && !tids_.contains(event.node)) {
        const int tid = static_cast<int>(tids_.size()) + 1;
        tids_.emplace(event.node, tid);
        nodes_.push_back(event.node);
      }
    }
  }

  // Slices of one track must nest, which concurrent queue stays at a node do
  // not: a slice that would overlap another only in part goes to the node's
  // next lane, a further thread named after the node.
  void place_slices() {
    std::vector<size_t> order(slices_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
      const Slice& x = slices_[a];
      const Slice& y = slices_[b];
      return std::tuple(x.node, x.start, -x.end) < std::tuple(y.node, y.start, -y.end);
    });
    std::map<std::string, std::vector<std::vector<const Slice*>>> lanes;  // Open slices.
    for (const size_t i : order) {
      const Slice& slice = slices_[i];
      auto& stacks = lanes[slice.node];
      size_t lane = 0;
      for (;; ++lane) {
        if (lane == stacks.size()) stacks.emplace_back();
        auto& stack = stacks[lane];
        while (!stack.empty() && stack.back()->end <= slice.start) stack.pop_back();
        if (stack.empty() || slice.end <= stack.back()->end) {
          stack.push_back(&slice);
          break;
        }
      }
      const int tid = lane_tid(slice.node, lane);
      pending_[slice.event]["tid"] = tid;
      if (slice.flow) pending_[*slice.flow]["tid"] = tid;
    }
  }

  int lane_tid(const std::string& node, size_t lane) {
    if (lane == 0) return tid_of(node);
    const auto key = std::pair(node, lane);
    const auto it = lane_tids_.find(key);
    if (it != lane_tids_.end()) return it->second;
    const int tid = static_cast<int>(tids_.size() + lane_tids_.size()) + 1;
    lane_tids_.emplace(key, tid);
    return tid;
  }

  void write_metadata() {
    const auto meta = [this](const char* name, int tid, json args) {
      out_->push_back(json{
          {"ph", "M"}, {"name", name}, {"pid", pid_}, {"tid", tid}, {"args", std::move(args)}});
    };
    meta("process_name", 0, {{"name", mode_.traces.mode}});
    meta("process_sort_index", 0, {{"sort_index", pid_}});
    json labels = fmt::format(kTimeNote, fmt::arg("origin_h", origin_));
    meta("process_labels", 0, {{"labels", labels}});
    const auto sort_index = [this](const std::string& node, size_t lane) {
      return static_cast<int64_t>(tid_of(node)) * 1000 + static_cast<int64_t>(lane);
    };
    for (const std::string& node : nodes_) {
      meta("thread_name", tid_of(node), {{"name", node}});
      meta("thread_sort_index", tid_of(node), {{"sort_index", sort_index(node, 0)}});
    }
    for (const auto& [key, tid] : lane_tids_) {
      meta("thread_name", tid, {{"name", fmt::format("{} (lane {})", key.first, key.second + 1)}});
      meta("thread_sort_index", tid, {{"sort_index", sort_index(key.first, key.second)}});
    }
  }

  void add_slice(const std::string& node, json slice, std::optional<json> flow) {
    const double start = slice["ts"];
    const double end = round_us(start + slice["dur"].get<double>());
    slices_.push_back(Slice{node, start, end, pending_.size(), std::nullopt});
    pending_.push_back(std::move(slice));
    if (flow) {
      slices_.back().flow = pending_.size();
      pending_.push_back(std::move(*flow));
    }
  }

  void write_queue_slice(const Event& queued, const Event& end) {
    json slice = base("X", queued.handoff, queued);
    slice["cat"] = "queue";
    slice["dur"] = std::max(0.0, round_us(ts(end.t_h) - ts(queued.t_h)));
    const double wait_h = end.kind == "served" ? end.wait_h : end.t_h - queued.t_h;
    slice["args"] = {{"msg", queued.msg},
                     {"trace", queued.trace},
                     {"wait_h", wait_h},
                     {"service_h", end.service_h},
                     {"end", end.kind}};
    if (!end.reason.empty()) slice["args"]["reason"] = end.reason;
    add_slice(queued.node, std::move(slice), std::nullopt);
  }

  void write_instant(const Event& event) {
    json instant = base("i", event.kind, event);
    instant["s"] = "t";
    instant["cat"] = "step";
    json args = json::object();
    const auto put = [&args](const char* key, const std::string& value) {
      if (!value.empty()) args[key] = value;
    };
    put("msg", event.msg);
    put("trace", event.trace);
    put("handoff", event.handoff);
    put("reason", event.reason);
    put("parent", event.parent);
    put("fault", event.fault);
    put("by", event.by);
    instant["args"] = std::move(args);
    pending_.push_back(std::move(instant));
  }

  // A flow for every (message, attempt) with both a send and a receive.
  void write_flows() {
    using Key = std::pair<std::string, uint32_t>;
    std::map<Key, const Event*> sends;
    std::map<Key, const Event*> receives;
    std::vector<Key> send_order;
    for (const Event& event : mode_.traces.events) {
      if (event.node.empty() || event.msg.empty()) continue;
      const Key key(event.msg, event.attempt.value_or(0));
      if (event.kind == "sent" || event.kind == "resent") {
        if (sends.emplace(key, &event).second) send_order.push_back(key);
      } else if (event.kind == "received") {
        receives.emplace(key, &event);
      }
    }
    for (const Key& key : send_order) {
      const auto received = receives.find(key);
      if (received == receives.end()) continue;
      // Unique across modes: a mode holds far fewer than a million transfers.
      const int64_t id = int64_t{pid_} * 1'000'000 + ++flows_;
      write_flow_end(*sends.at(key), "s", id);
      write_flow_end(*received->second, "f", id);
    }
  }

  void write_flow_end(const Event& event, const char* ph, int64_t id) {
    json slice = base("X", event.kind + " " + event.handoff, event);
    slice["cat"] = "transfer";
    slice["dur"] = kFlowSliceUs;
    slice["args"] = {
        {"msg", event.msg}, {"trace", event.trace}, {"attempt", event.attempt.value_or(0)}};
    json flow = base(ph, "transfer", event);
    flow["cat"] = "transfer";
    flow["id"] = id;
    if (std::string_view(ph) == "f") flow["bp"] = "e";
    add_slice(event.node, std::move(slice), std::move(flow));
  }

  const ModeEvents& mode_;
  const int pid_;
  const double origin_;
  std::vector<json>* out_;
  std::map<std::string, int> tids_;
  std::vector<std::string> nodes_;
  std::map<std::pair<std::string, size_t>, int> lane_tids_;
  std::vector<json> pending_;  // Events other than metadata, in order.
  std::vector<Slice> slices_;
  int64_t flows_ = 0;
};

}  // namespace

std::string export_perfetto(const std::string& run_dir, std::vector<std::string>* warnings) {
  const std::vector<ModeEvents> modes = trace_exports::read_run(run_dir, warnings);
  const double origin = origin_h(modes);
  std::vector<json> events;
  for (size_t i = 0; i < modes.size(); ++i) {
    ModeWriter(modes[i], static_cast<int>(i) + 1, origin, &events).write();
  }
  std::string out = "{\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i) {
    out += events[i].dump();
    out += i + 1 < events.size() ? ",\n" : "\n";
  }
  const json other = {{"time_unit", fmt::format(kTimeNote, fmt::arg("origin_h", origin))},
                      {"origin_h", origin}};
  out += "],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":" + other.dump() + "}\n";
  return out;
}

}  // namespace tearline
