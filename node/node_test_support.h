// What the tests of NodeCore's parts share: the small scenario, and fakes
// for the wire and the trace.
#pragma once

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "node/fault_state.h"
#include "node/link_layer.h"
#include "node/node_core.h"
#include "scenario/scenario.h"

namespace tearline::test_support {

// Nodes of the small scenario: an agency, its partner, and a unit that
// polls the first.
inline constexpr char kAgency[] = "agency.aa";
inline constexpr char kPartnerAgency[] = "agency.bb";
inline constexpr char kUnit[] = "unit.north";

inline const Scenario& small_scenario() {
  static const Scenario scenario = load_scenario(TEARLINE_SOURCE_DIR "/scenarios/small.toml");
  return scenario;
}

inline std::shared_ptr<spdlog::logger> null_logger() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_st>());
}

// Every frame put on the wire (by a link layer, or by a core), with its peer.
class KeptFrames final : public Transmitter, public FrameSink {
 public:
  void transmit(const std::string& peer, const v1::Frame& frame) override {
    frames.push_back({peer, frame});
  }
  void deliver(const std::string& peer, const v1::Frame& frame) override { transmit(peer, frame); }
  std::vector<std::pair<std::string, v1::Frame>> frames;
};

// kAgency's link layer and fault state, as NodeCore wires them, with every
// frame they put on the wire and every event they trace kept.
class AgencyParts {
 protected:
  AgencyParts()
      : random_(7),
        links_(kAgency, small_scenario(), random_, wire_, keeper()),
        faults_(
            kAgency,
            [](const std::string& name) {
              return name == kAgency || name == kPartnerAgency || name == kUnit;
            },
            links_, keeper(), null_logger()) {}

  std::function<void(TraceEvent)> keeper() {
    return [this](TraceEvent event) { events_.push_back(std::move(event)); };
  }

  Random random_;
  KeptFrames wire_;
  std::vector<TraceEvent> events_;
  LinkLayer links_;
  FaultState faults_;
};

// The kinds of `events`, in order.
inline std::vector<std::string> kinds_of(const std::vector<TraceEvent>& events) {
  std::vector<std::string> kinds;
  for (const TraceEvent& event : events) kinds.emplace_back(event.kind);
  return kinds;
}

}  // namespace tearline::test_support
