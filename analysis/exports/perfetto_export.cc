// Chrome Trace Event JSON, as Perfetto UI and chrome://tracing open it: one
// process per mode, one thread per node (plus a lane thread where a node's
// queue stays overlap), queue residence as complete slices, steps as instants
// and each transfer as a flow arrow from sender to receiver. Times are
// scenario time, 1 scenario hour = 1 ms = 1000 us.
// Streamed: a first pass over a mode's events places its slices, keeping a
// few numbers per trace event; the second writes each trace event, reading
// its run events again by position (ModeStream::at).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "analysis/exports/export_events.h"
#include "analysis/exports/mode_stream.h"
#include "analysis/exports/trace_exports.h"
#include "base/invariant.h"

namespace tearline {
namespace {

using nlohmann::json;
using report::Event;
using trace_exports::ends_queue_stay;
using trace_exports::for_each_annotation;
using trace_exports::ModeStream;
using trace_exports::WithNodeAndPeer;

constexpr double kUsPerScenarioHour = 1000.0;
constexpr double kFlowSliceUs = 1.0;  // The tiny slice a flow end is bound to.
constexpr const char* kTimeNote =
    "ts is scenario time: 1 scenario hour = 1 ms = 1000 us, from scenario hour {origin_h}";

const std::set<std::string, std::less<>> kInstantKinds = {
    "created", "lost", "expired", "withheld", "sanitised", "delivered", "acted", "fault"};

bool is_exported(const Event& event) { return !event.msg.empty() || event.kind == "fault"; }

// Scenario hour 0 is ts 0 unless exported events come earlier.
double origin_h(const std::vector<std::unique_ptr<ModeStream>>& modes) {
  double origin = 0;
  for (const auto& mode : modes) {
    mode->for_each([&origin](const Event& event) {
      if (is_exported(event)) origin = std::min(origin, event.t_h);
    });
  }
  return origin;
}

// The elements of the "traceEvents" array, written as they come.
class EventList {
 public:
  explicit EventList(std::ostream* out) : out_(out) {}
  void add(const json& event) { *out_ << (count_++ == 0 ? "" : ",\n") << event.dump(); }
  size_t count() const { return count_; }

 private:
  std::ostream* out_;
  size_t count_ = 0;
};

class ModeWriter {
 public:
  ModeWriter(const ModeStream& mode, int pid, double origin, EventList* out)
      : mode_(mode), pid_(pid), origin_(origin), out_(out) {}

  void write() {
    plan();
    place_slices();
    write_metadata();
    for (const Entry& entry : entries_) write_entry(entry);
  }

 private:
  // One trace event (two for a flow end: its slice and its arrow), as
  // positions of the run events it is made from.
  struct Entry {
    enum class Type : uint8_t { kQueueSlice, kInstant, kFlowStart, kFlowEnd } type;
    uint32_t event = 0;  // The queued event of a queue slice.
    uint32_t end = 0;    // A queue slice's end.
    int tid = 0;         // Set by place_slices() for slices.
    int64_t flow_id = 0;
  };

  // A slice as placed on a lane of its node's track.
  struct Slice {
    int node_tid = 0;
    uint32_t node_rank = 0;  // Of its node's name, in name order.
    double start = 0;
    double end = 0;
    uint32_t entry = 0;  // Index into entries_.
  };

  // Rounded to the nanosecond, so that golden files do not hold float noise.
  static double round_us(double us) { return std::round(us * 1000.0) / 1000.0; }
  double ts(double t_h) const { return round_us((t_h - origin_) * kUsPerScenarioHour); }
  int tid_of(const std::string& node) const { return tids_.at(node); }
  const std::string& node_name(int tid) const { return nodes_.at(static_cast<size_t>(tid) - 1); }

  json base(const char* ph, const std::string& name, const Event& event) const {
    return json{{"ph", ph},
                {"name", name},
                {"pid", pid_},
                {"tid", tid_of(event.node)},
                {"ts", ts(event.t_h)}};
  }

  static uint32_t position(const Event& event) { return static_cast<uint32_t>(event.order); }

  // The first pass: node tracks (tid 1.. in order of first appearance),
  // queue stays, instants and transfers. Holds the open queue stays and, per
  // transfer, where it was sent and received.
  void plan() {
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<uint32_t, double>> queued;
    using Key = std::pair<std::string, uint32_t>;  // Message, attempt.
    std::map<Key, std::pair<uint32_t, double>> sends;
    std::map<Key, std::pair<uint32_t, double>> receives;
    std::vector<Key> send_order;
    mode_.for_each([&](const Event& event) {
      if (!event.node.empty() && !tids_.contains(event.node)) {
        tids_.emplace(event.node, static_cast<int>(tids_.size()) + 1);
        nodes_.push_back(event.node);
      }
      if (event.node.empty() || !is_exported(event)) return;
      const auto key = std::tuple(event.node, event.msg, event.handoff);
      if (event.kind == "queued") {
        queued.emplace(key, std::pair(position(event), event.t_h));
      } else if (ends_queue_stay(event.kind)) {
        const auto it = queued.find(key);
        if (it != queued.end()) {
          const double start = ts(it->second.second);
          const double dur = std::max(0.0, round_us(ts(event.t_h) - start));
          add_slice(event.node, start, dur,
                    Entry{Entry::Type::kQueueSlice, it->second.first, position(event), 0, 0});
          queued.erase(it);
        }
      }
      if (kInstantKinds.contains(event.kind)) {
        entries_.push_back(Entry{Entry::Type::kInstant, position(event), 0, tid_of(event.node), 0});
      }
      if (event.msg.empty()) return;
      const Key transfer(event.msg, event.attempt.value_or(0));
      const auto where = std::pair(position(event), event.t_h);
      if (event.kind == "sent" || event.kind == "resent") {
        if (sends.emplace(transfer, where).second) send_order.push_back(transfer);
      } else if (event.kind == "received") {
        receives.emplace(transfer, where);
      }
    });
    // A flow for every (message, attempt) with both a send and a receive.
    for (const Key& key : send_order) {
      const auto received = receives.find(key);
      if (received == receives.end()) continue;
      // Unique across modes: a mode holds far fewer than a million transfers.
      const int64_t id = int64_t{pid_} * 1'000'000 + ++flows_;
      add_flow_end(sends.at(key), Entry::Type::kFlowStart, id);
      add_flow_end(received->second, Entry::Type::kFlowEnd, id);
    }
  }

  void add_slice(const std::string& node, double start, double dur, Entry entry) {
    slices_.push_back(Slice{tid_of(node), 0, start, round_us(start + dur),
                            static_cast<uint32_t>(entries_.size())});
    entries_.push_back(entry);
  }

  void add_flow_end(std::pair<uint32_t, double> where, Entry::Type type, int64_t id) {
    const Event event = mode_.at(where.first);
    add_slice(event.node, ts(where.second), kFlowSliceUs, Entry{type, where.first, 0, 0, id});
  }

  // Slices of one track must nest, which concurrent queue stays at a node do
  // not: a slice that would overlap another only in part goes to the node's
  // next lane, a further thread named after the node.
  void place_slices() {
    std::vector<std::string> names = nodes_;
    std::sort(names.begin(), names.end());
    std::map<std::string, uint32_t> ranks;
    for (const std::string& name : names) ranks.emplace(name, static_cast<uint32_t>(ranks.size()));
    for (Slice& slice : slices_) slice.node_rank = ranks.at(node_name(slice.node_tid));

    std::vector<uint32_t> order(slices_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
    std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
      const Slice& x = slices_[a];
      const Slice& y = slices_[b];
      return std::tuple(x.node_rank, x.start, -x.end) < std::tuple(y.node_rank, y.start, -y.end);
    });
    // Per node, per lane, the ends of the open slices.
    std::map<uint32_t, std::vector<std::vector<double>>> lanes;
    for (const uint32_t i : order) {
      const Slice& slice = slices_[i];
      auto& stacks = lanes[slice.node_rank];
      size_t lane = 0;
      for (;; ++lane) {
        if (lane == stacks.size()) stacks.emplace_back();
        auto& stack = stacks[lane];
        while (!stack.empty() && stack.back() <= slice.start) stack.pop_back();
        if (stack.empty() || slice.end <= stack.back()) {
          stack.push_back(slice.end);
          break;
        }
      }
      TEARLINE_ASSERT(lane < stacks.size());
      // The slices of a lane nest: each open one ends within the one under it.
      const auto& stack = stacks[lane];
      TEARLINE_ASSERT(stack.size() < 2 || stack[stack.size() - 1] <= stack[stack.size() - 2]);
      entries_[slice.entry].tid = lane_tid(node_name(slice.node_tid), lane);
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
      out_->add(json{
          {"ph", "M"}, {"name", name}, {"pid", pid_}, {"tid", tid}, {"args", std::move(args)}});
    };
    meta("process_name", 0, {{"name", mode_.mode()}});
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

  void write_entry(const Entry& entry) {
    const Event event = mode_.at(entry.event);
    switch (entry.type) {
      case Entry::Type::kQueueSlice:
        out_->add(queue_slice(event, mode_.at(entry.end), entry.tid));
        break;
      case Entry::Type::kInstant:
        out_->add(instant(event));
        break;
      case Entry::Type::kFlowStart:
      case Entry::Type::kFlowEnd:
        write_flow_end(event, entry);
        break;
    }
  }

  json queue_slice(const Event& queued, const Event& end, int tid) const {
    json slice = base("X", queued.handoff, queued);
    slice["tid"] = tid;
    slice["cat"] = "queue";
    slice["dur"] = std::max(0.0, round_us(ts(end.t_h) - ts(queued.t_h)));
    const double wait_h = end.kind == "served" ? end.wait_h : end.t_h - queued.t_h;
    slice["args"] = {{"msg", queued.msg},
                     {"trace", queued.trace},
                     {"wait_h", wait_h},
                     {"service_h", end.service_h},
                     {"end", end.kind}};
    if (!end.reason.empty()) slice["args"]["reason"] = end.reason;
    return slice;
  }

  json instant(const Event& event) const {
    json instant = base("i", event.kind, event);
    instant["s"] = "t";
    instant["cat"] = "step";
    json args = json::object();
    for_each_annotation(event, WithNodeAndPeer::kNo,
                        [&args](const char* key, const std::string& value) { args[key] = value; });
    instant["args"] = std::move(args);
    return instant;
  }

  void write_flow_end(const Event& event, const Entry& entry) {
    json slice = base("X", event.kind + " " + event.handoff, event);
    slice["tid"] = entry.tid;
    slice["cat"] = "transfer";
    slice["dur"] = kFlowSliceUs;
    slice["args"] = {
        {"msg", event.msg}, {"trace", event.trace}, {"attempt", event.attempt.value_or(0)}};
    const bool start = entry.type == Entry::Type::kFlowStart;
    json flow = base(start ? "s" : "f", "transfer", event);
    flow["tid"] = entry.tid;
    flow["cat"] = "transfer";
    flow["id"] = entry.flow_id;
    if (!start) flow["bp"] = "e";
    out_->add(slice);
    out_->add(flow);
  }

  const ModeStream& mode_;
  const int pid_;
  const double origin_;
  EventList* out_;
  std::map<std::string, int> tids_;
  std::vector<std::string> nodes_;
  std::map<std::pair<std::string, size_t>, int> lane_tids_;
  std::vector<Entry> entries_;  // Trace events other than metadata, in order.
  std::vector<Slice> slices_;
  int64_t flows_ = 0;
};

}  // namespace

void export_perfetto(const std::string& run_dir, std::ostream& out,
                     std::vector<std::string>* warnings) {
  std::vector<std::unique_ptr<ModeStream>> modes;
  for (const auto& dir : trace_exports::mode_dirs(run_dir)) {
    modes.push_back(std::make_unique<ModeStream>(dir, warnings));
  }
  const double origin = origin_h(modes);
  out << "{\"traceEvents\":[\n";
  EventList events(&out);
  for (size_t i = 0; i < modes.size(); ++i) {
    ModeWriter(*modes[i], static_cast<int>(i) + 1, origin, &events).write();
  }
  if (events.count() > 0) out << "\n";
  const json other = {{"time_unit", fmt::format(kTimeNote, fmt::arg("origin_h", origin))},
                      {"origin_h", origin}};
  out << "],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":" << other.dump() << "}\n";
}

std::string export_perfetto(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::ostringstream out;
  export_perfetto(run_dir, out, warnings);
  return out.str();
}

}  // namespace tearline
