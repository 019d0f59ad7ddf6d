// A native Perfetto trace (perfetto.protos.Trace, the subset in
// proto/perfetto/perfetto_trace.proto): one process track per mode, a track
// per node, per handoff a track of its steps with child tracks for queue
// stays (one lane per concurrent stay, so slices never overlap) and a
// counter of its queue depth. Each message's events are linked by one flow
// (its id from the mode and message id), ended at its last event. Timestamps are nanoseconds from
// scenario hour 0 (earlier events at 0). Names of kinds and handoffs are interned on the one packet
// sequence.
//
// Streamed: packets are appended as the mode's events come in time order;
// held are the tracks, the open queue stays and the flows not yet ended.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "analysis/exports/export_events.h"
#include "analysis/exports/mode_stream.h"
#include "analysis/exports/trace_exports.h"
#include "perfetto_trace.pb.h"

namespace tearline {
namespace {

namespace pp = perfetto::protos;
using report::Event;
using trace_exports::ends_queue_stay;
using trace_exports::for_each_annotation;
using trace_exports::ModeStream;
using trace_exports::WithNodeAndPeer;

constexpr uint32_t kSequenceId = 1;
constexpr double kNsPerHour = 3600.0 * 1e9;
constexpr uint32_t kTraceFieldPacket = 1;

uint64_t ns_of(double t_h) {
  return t_h > 0 ? static_cast<uint64_t>(std::llround(t_h * kNsPerHour)) : 0;
}

// Kinds that change a queue's depth; their events carry it (absent: 0).
bool moves_queue(const std::string& kind) {
  return kind == "queued" || kind == "dequeued" || kind == "served" || kind == "expired";
}

// The node a handoff belongs to: "desk@agency.uk" to agency.uk, a link
// "A->B" to its sender A, else the event's node.
std::string owner_of(const std::string& handoff, const std::string& node) {
  if (const size_t at = handoff.rfind('@'); at != std::string::npos) return handoff.substr(at + 1);
  if (const size_t arrow = handoff.find("->"); arrow != std::string::npos) {
    return handoff.substr(0, arrow);
  }
  return node;
}

// Appends packets to a Trace (its field 1, length-delimited, one by one) on
// one sequence, interning event and annotation names as first used.
class PacketWriter {
 public:
  explicit PacketWriter(std::ostream* out) : out_(out) {}

  void write(pp::TracePacket* packet) {
    packet->set_trusted_packet_sequence_id(kSequenceId);
    packet->set_sequence_flags(first_ ? pp::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED
                                      : pp::TracePacket::SEQ_NEEDS_INCREMENTAL_STATE);
    first_ = false;
    packet->SerializeToString(&buffer_);
    std::string head(1, static_cast<char>((kTraceFieldPacket << 3) | 2));  // Length-delimited.
    for (uint64_t size = buffer_.size();; size >>= 7) {
      head += static_cast<char>((size & 0x7f) | (size >= 0x80 ? 0x80 : 0));
      if (size < 0x80) break;
    }
    *out_ << head << buffer_;
  }

  uint64_t event_name(const std::string& name, pp::TracePacket* packet) {
    return intern(&event_names_, name, [packet](uint64_t iid, const std::string& text) {
      auto* entry = packet->mutable_interned_data()->add_event_names();
      entry->set_iid(iid);
      entry->set_name(text);
    });
  }

  uint64_t annotation_name(const std::string& name, pp::TracePacket* packet) {
    return intern(&annotation_names_, name, [packet](uint64_t iid, const std::string& text) {
      auto* entry = packet->mutable_interned_data()->add_debug_annotation_names();
      entry->set_iid(iid);
      entry->set_name(text);
    });
  }

 private:
  template <typename Add>
  static uint64_t intern(std::map<std::string, uint64_t>* table, const std::string& name, Add add) {
    const auto [it, is_new] = table->emplace(name, table->size() + 1);
    if (is_new) add(it->second, name);
    return it->second;
  }

  std::ostream* out_;
  bool first_ = true;
  std::string buffer_;
  std::map<std::string, uint64_t> event_names_;
  std::map<std::string, uint64_t> annotation_names_;
};

class ModeTracks {
 public:
  ModeTracks(const ModeStream& mode, int pid, uint64_t* next_uuid, PacketWriter* out)
      : mode_(mode), next_uuid_(next_uuid), out_(out) {
    pp::TracePacket packet;
    auto* track = packet.mutable_track_descriptor();
    process_uuid_ = (*next_uuid_)++;
    track->set_uuid(process_uuid_);
    track->mutable_process()->set_pid(pid);
    track->mutable_process()->set_process_name(mode.mode());
    out_->write(&packet);
  }

  void write() {
    mode_.for_each([this](const Event& event) {
      if (event.node.empty()) return;
      if (event.kind == "fault") {
        instant(event, node_track(event.node), {});
      } else if (!event.msg.empty()) {
        see(event);
      }
    });
  }

 private:
  struct Handoff {
    uint64_t uuid = 0;
    uint64_t depth_uuid = 0;
    std::vector<uint64_t> lanes;  // Child tracks for queue stays.
    std::vector<bool> busy;       // By lane.
  };

  void see(const Event& event) {
    const std::string handoff = event.handoff.empty() ? event.kind : event.handoff;
    Handoff& track = handoff_track(handoff, event.node);
    const std::string stay_key = event.node + '\n' + event.msg + '\n' + handoff;
    if (event.kind == "queued" && !stays_.contains(stay_key)) {
      size_t lane = std::find(track.busy.begin(), track.busy.end(), false) - track.busy.begin();
      if (lane == track.lanes.size()) add_lane(handoff, &track);
      track.busy[lane] = true;
      stays_[stay_key] = lane;
      slice(event, track.lanes[lane], pp::TrackEvent::TYPE_SLICE_BEGIN,
            flow_of(event, mode_.last_of_message(event.order)));
    } else if (ends_queue_stay(event.kind) && stays_.contains(stay_key)) {
      const size_t lane = stays_.at(stay_key);
      stays_.erase(stay_key);
      track.busy[lane] = false;
      slice(event, track.lanes[lane], pp::TrackEvent::TYPE_SLICE_END, {});
    }
    // A message's last event ends its flow, so it is drawn whatever it is.
    const bool last = mode_.last_of_message(event.order);
    if ((event.kind != "queued" && event.kind != "dequeued" && event.kind != "served") || last) {
      instant(event, track.uuid, flow_of(event, last));
    }
    if (moves_queue(event.kind) || event.depth) counter(event, track.depth_uuid);
  }

  // The event's flow: begun or continued here (the first element), or ended
  // at the message's last event (the second). Empty for a message with one
  // event drawn.
  std::vector<uint64_t> flow_of(const Event& event, bool last) {
    const uint64_t hash = trace_exports::fnv1a(mode_.mode() + '\n' + event.msg);
    const uint64_t id = hash == 0 ? 1 : hash;  // A flow id is never 0.
    if (!last) {
      flowing_.insert(event.msg);
      return {id, 0};
    }
    if (flowing_.erase(event.msg) == 0) return {};
    return {0, id};
  }

  uint64_t node_track(const std::string& node) {
    const auto known = nodes_.find(node);
    if (known != nodes_.end()) return known->second;
    const uint64_t uuid = describe(node, process_uuid_, false);
    nodes_.emplace(node, uuid);
    return uuid;
  }

  Handoff& handoff_track(const std::string& handoff, const std::string& node) {
    const auto known = handoffs_.find(handoff);
    if (known != handoffs_.end()) return known->second;
    Handoff& track = handoffs_[handoff];
    track.uuid = describe(handoff, node_track(owner_of(handoff, node)), false);
    track.depth_uuid = describe(handoff + " depth", track.uuid, true);
    return track;
  }

  void add_lane(const std::string& handoff, Handoff* track) {
    track->lanes.push_back(
        describe(fmt::format("{} queue {}", handoff, track->lanes.size() + 1), track->uuid, false));
    track->busy.push_back(false);
  }

  uint64_t describe(const std::string& name, uint64_t parent, bool counter) {
    pp::TracePacket packet;
    auto* track = packet.mutable_track_descriptor();
    const uint64_t uuid = (*next_uuid_)++;
    track->set_uuid(uuid);
    track->set_parent_uuid(parent);
    track->set_name(name);
    if (counter) track->mutable_counter()->set_unit_name("messages");
    out_->write(&packet);
    return uuid;
  }

  pp::TrackEvent* begin(const Event& event, uint64_t track, pp::TracePacket* packet) {
    packet->set_timestamp(ns_of(event.t_h));
    auto* track_event = packet->mutable_track_event();
    track_event->set_track_uuid(track);
    return track_event;
  }

  void annotate(pp::TrackEvent* track_event, pp::TracePacket* packet, const Event& event) {
    for_each_annotation(event, WithNodeAndPeer::kYes,
                        [&](const char* name, const std::string& value) {
                          auto* annotation = track_event->add_debug_annotations();
                          annotation->set_name_iid(out_->annotation_name(name, packet));
                          annotation->set_string_value(value);
                        });
    auto* hour = track_event->add_debug_annotations();
    hour->set_name_iid(out_->annotation_name("t_h", packet));
    hour->set_double_value(event.t_h);
    if (event.attempt) {
      auto* attempt = track_event->add_debug_annotations();
      attempt->set_name_iid(out_->annotation_name("attempt", packet));
      attempt->set_uint_value(*event.attempt);
    }
  }

  static void add_flow(pp::TrackEvent* track_event, const std::vector<uint64_t>& flow) {
    if (flow.size() != 2) return;
    if (flow[0] != 0) track_event->add_flow_ids(flow[0]);
    if (flow[1] != 0) track_event->add_terminating_flow_ids(flow[1]);
  }

  void instant(const Event& event, uint64_t track, const std::vector<uint64_t>& flow) {
    pp::TracePacket packet;
    pp::TrackEvent* track_event = begin(event, track, &packet);
    track_event->set_type(pp::TrackEvent::TYPE_INSTANT);
    track_event->set_name_iid(out_->event_name(event.kind, &packet));
    annotate(track_event, &packet, event);
    add_flow(track_event, flow);
    out_->write(&packet);
  }

  void slice(const Event& event, uint64_t track, pp::TrackEvent::Type type,
             const std::vector<uint64_t>& flow) {
    pp::TracePacket packet;
    pp::TrackEvent* track_event = begin(event, track, &packet);
    track_event->set_type(type);
    if (type == pp::TrackEvent::TYPE_SLICE_BEGIN) {
      track_event->set_name(event.msg);  // Not interned: one name per message.
      annotate(track_event, &packet, event);
      add_flow(track_event, flow);
    }
    out_->write(&packet);
  }

  void counter(const Event& event, uint64_t track) {
    pp::TracePacket packet;
    pp::TrackEvent* track_event = begin(event, track, &packet);
    track_event->set_type(pp::TrackEvent::TYPE_COUNTER);
    track_event->set_counter_value(event.depth.value_or(0));
    out_->write(&packet);
  }

  const ModeStream& mode_;
  uint64_t* next_uuid_;
  PacketWriter* out_;
  uint64_t process_uuid_ = 0;
  std::map<std::string, uint64_t> nodes_;
  std::map<std::string, Handoff> handoffs_;
  std::unordered_map<std::string, size_t> stays_;  // Open queue stays: their lane.
  std::unordered_set<std::string> flowing_;        // Messages whose flow is begun.
};

}  // namespace

void export_perfetto_proto(const std::string& run_dir, std::ostream& out,
                           std::vector<std::string>* warnings) {
  PacketWriter packets(&out);
  uint64_t next_uuid = 1;
  int pid = 0;
  for (const auto& dir : trace_exports::mode_dirs(run_dir)) {
    const ModeStream mode(dir, warnings);
    ModeTracks(mode, ++pid, &next_uuid, &packets).write();
  }
}

}  // namespace tearline
