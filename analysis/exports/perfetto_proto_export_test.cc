#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "perfetto_trace.pb.h"
#include "analysis/exports/export_test_support.h"
#include "analysis/exports/trace_exports.h"

namespace tearline::trace_exports {
namespace {

namespace pp = perfetto::protos;
namespace gp = google::protobuf;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string export_bytes(const std::string& run_dir, std::vector<std::string>* warnings) {
  std::ostringstream out;
  export_perfetto_proto(run_dir, out, warnings);
  return out.str();
}

// "Message.field = number" and "Message.Enum.VALUE = number" for every
// field and enum value of `message` and its nested types.
void list_numbers(const gp::Descriptor& message, const std::string& scope,
                  std::set<std::string>* out) {
  const std::string name = scope + message.name();
  for (int i = 0; i < message.field_count(); ++i) {
    out->insert(name + "." + message.field(i)->name() + " = " +
                std::to_string(message.field(i)->number()));
  }
  for (int i = 0; i < message.enum_type_count(); ++i) {
    const gp::EnumDescriptor& type = *message.enum_type(i);
    for (int j = 0; j < type.value_count(); ++j) {
      out->insert(name + "." + type.name() + "." + type.value(j)->name() + " = " +
                  std::to_string(type.value(j)->number()));
    }
  }
  for (int i = 0; i < message.nested_type_count(); ++i) {
    list_numbers(*message.nested_type(i), name + ".", out);
  }
}

// The subset keeps Perfetto's numbers: proto/perfetto/perfetto_field_numbers.txt
// was read off Perfetto's own .proto files.
TEST(PerfettoProtoExport, SubsetKeepsPerfettosFieldNumbers) {
  std::set<std::string> subset;
  const gp::FileDescriptor& file = *pp::Trace::descriptor()->file();
  for (int i = 0; i < file.message_type_count(); ++i)
    list_numbers(*file.message_type(i), "", &subset);
  std::set<std::string> perfetto;
  std::istringstream lines(
      read_file(TEARLINE_SOURCE_DIR "/proto/perfetto/perfetto_field_numbers.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != '#') perfetto.insert(line);
  }
  ASSERT_GT(perfetto.size(), 40u);
  for (const std::string& entry : subset) EXPECT_TRUE(perfetto.contains(entry)) << entry;
  for (const std::string& entry : perfetto) EXPECT_TRUE(subset.contains(entry)) << entry;
}

// protoc reads the export as a perfetto.protos.Trace of the subset.
TEST(PerfettoProtoExport, ProtocDecodesIt) {
  TempRun run;
  const std::string trace = run.path() + "/trace.pftrace";
  const std::string text = run.path() + "/trace.txt";
  std::ofstream(trace, std::ios::binary) << export_bytes(recorded_faulty_run(), nullptr);
  const std::string command = std::string("protoc --decode=perfetto.protos.Trace -I ") +
                              TEARLINE_SOURCE_DIR "/proto/perfetto perfetto_trace.proto < " +
                              trace + " > " + text + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(text);
  const std::string decoded = read_file(text);
  EXPECT_NE(decoded.find("track_event {"), std::string::npos);
  EXPECT_NE(decoded.find("terminating_flow_ids:"), std::string::npos);
  EXPECT_NE(decoded.find("counter_value:"), std::string::npos);
  EXPECT_NE(decoded.find("process_name: \"bilateral\""), std::string::npos);
}

struct Decoded {
  pp::Trace trace;
  std::map<uint64_t, pp::TrackDescriptor> tracks;
  std::map<uint64_t, std::string> names;  // Interned event names.
};

Decoded decode(const std::string& bytes) {
  Decoded decoded;
  EXPECT_TRUE(decoded.trace.ParseFromString(bytes));
  for (const pp::TracePacket& packet : decoded.trace.packet()) {
    EXPECT_EQ(packet.trusted_packet_sequence_id(), 1u);
    if (packet.has_track_descriptor()) {
      EXPECT_TRUE(
          decoded.tracks.emplace(packet.track_descriptor().uuid(), packet.track_descriptor())
              .second);
    }
    for (const pp::EventName& name : packet.interned_data().event_names()) {
      EXPECT_TRUE(decoded.names.emplace(name.iid(), name.name()).second) << name.name();
    }
    if (packet.has_track_event()) {
      // Tracks are described before use, names interned before use.
      EXPECT_TRUE(decoded.tracks.contains(packet.track_event().track_uuid()));
      if (packet.track_event().has_name_iid()) {
        EXPECT_TRUE(decoded.names.contains(packet.track_event().name_iid()));
      }
    }
  }
  return decoded;
}

// Each flow id is begun (flow_ids) before it ends (terminating_flow_ids),
// and ends once, at its message's last event: every flow begun ends.
TEST(PerfettoProtoExport, FlowsPairAndSlicesBalance) {
  for (const std::string& run : {recorded_run(), recorded_faulty_run()}) {
    std::vector<std::string> warnings;
    const Decoded decoded = decode(export_bytes(run, &warnings));
    EXPECT_TRUE(warnings.empty());
    std::set<uint64_t> begun;
    std::set<uint64_t> ended;
    std::map<uint64_t, int> open_slices;  // By track.
    for (const pp::TracePacket& packet : decoded.trace.packet()) {
      if (!packet.has_track_event()) continue;
      const pp::TrackEvent& event = packet.track_event();
      for (const uint64_t id : event.flow_ids()) {
        EXPECT_FALSE(ended.contains(id)) << id;
        begun.insert(id);
      }
      for (const uint64_t id : event.terminating_flow_ids()) {
        EXPECT_TRUE(begun.contains(id)) << id;
        EXPECT_TRUE(ended.insert(id).second) << id;
      }
      if (event.type() == pp::TrackEvent::TYPE_SLICE_BEGIN) {
        EXPECT_EQ(++open_slices[event.track_uuid()], 1) << "overlapping slices";
      }
      if (event.type() == pp::TrackEvent::TYPE_SLICE_END) {
        EXPECT_EQ(--open_slices[event.track_uuid()], 0) << "an end without a begin";
      }
    }
    EXPECT_GT(begun.size(), 10u) << run;
    EXPECT_EQ(begun, ended) << run;
  }
}

// A queue depth counter track per handoff, fed from the events' depth; a
// queue stay is a slice in scenario time (ns from hour 0).
TEST(PerfettoProtoExport, DepthCountersAndScenarioTime) {
  const Decoded decoded = decode(export_bytes(recorded_run(), nullptr));
  std::set<uint64_t> counters;
  for (const auto& [uuid, track] : decoded.tracks) {
    if (track.has_counter()) {
      counters.insert(uuid);
      EXPECT_TRUE(track.name().ends_with(" depth")) << track.name();
    }
  }
  EXPECT_GE(counters.size(), 4u);
  int64_t deepest = 0;
  bool found_stay = false;
  for (const pp::TracePacket& packet : decoded.trace.packet()) {
    const pp::TrackEvent& event = packet.track_event();
    if (event.type() == pp::TrackEvent::TYPE_COUNTER) {
      EXPECT_TRUE(counters.contains(event.track_uuid()));
      deepest = std::max(deepest, event.counter_value());
    }
    // Bilateral agency.aa's desk: aa-north-1 queued at 40 h.
    if (event.type() == pp::TrackEvent::TYPE_SLICE_BEGIN && event.name() == "aa-north-1" &&
        decoded.tracks.at(event.track_uuid()).name() == "desk@agency.aa queue 1" && !found_stay) {
      found_stay = true;
      EXPECT_EQ(packet.timestamp(), 40ull * 3600 * 1'000'000'000);
    }
  }
  EXPECT_GE(deepest, 1);
  EXPECT_TRUE(found_stay);
}

}  // namespace
}  // namespace tearline::trace_exports
